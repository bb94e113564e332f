"""Common Cartridge 1.1 packages: valid against the CC 1.1 profile XSDs, referentially whole, deterministic."""

from __future__ import annotations

import dataclasses
import io
import xml.etree.ElementTree as ET
import zipfile

import pytest

from painguide.content.catalog import modules_in_order
from painguide.export import cartridge
from tests.export.cc import CP, LOMM, LOMR, check, manifest_schema, xsd_errors

SITE = "https://painguide.example.org/"


def test_a_module_cartridge_passes_the_xsds_and_the_referential_checks(fixture_catalog):
    module = fixture_catalog.modules["fixture-basics"]
    package = check(cartridge.module_cartridge(module, fixture_catalog, SITE))
    [item] = package.modules()
    assert item.findtext(f"{CP}title") == module.title
    titles = [i.findtext(f"{CP}title") for i in item.findall(f"{CP}item")]
    lessons = [fixture_catalog.entries[lesson.entry].title for lesson in module.lessons]
    assert titles == [
        "Learner handout",
        *(f"Lesson {n}: {title}" for n, title in enumerate(lessons, 1)),
        f"Case: {module.vignette.title}",
        "Knowledge check",
        f"Assignment: {module.assignment.title}",
        f"{module.title} on PainGuide",
    ]


def test_every_real_module_and_the_curriculum_pass(real_catalog):
    for module in real_catalog.modules.values():
        check(cartridge.module_cartridge(module, real_catalog, SITE))
    package = check(cartridge.curriculum_cartridge(real_catalog, SITE))
    ordered = modules_in_order(real_catalog)
    assert [m.findtext(f"{CP}title") for m in package.modules()] == [m.title for m in ordered]


def test_the_curriculum_is_one_course_with_one_lms_module_per_module_in_order(fixture_catalog):
    package = check(cartridge.curriculum_cartridge(fixture_catalog, SITE))
    assert [m.get("identifier") for m in package.modules()] == [f"M_{m.id}" for m in modules_in_order(fixture_catalog)]
    assert len(package.manifest.findall(f"{CP}organizations/{CP}organization")) == 1


def test_manifest_metadata_has_title_description_language_and_licence(fixture_catalog):
    module = fixture_catalog.modules["fixture-basics"]
    manifest = check(cartridge.module_cartridge(module, fixture_catalog, SITE)).manifest
    assert manifest.findtext(f"{CP}metadata/{CP}schema") == "IMS Common Cartridge"
    assert manifest.findtext(f"{CP}metadata/{CP}schemaversion") == "1.1.0"
    general = manifest.find(f"{CP}metadata/{LOMM}lom/{LOMM}general")
    assert general.findtext(f"{LOMM}title/{LOMM}string") == module.title
    assert general.findtext(f"{LOMM}description/{LOMM}string") == module.summary
    assert general.findtext(f"{LOMM}language") == "en"
    rights = manifest.find(f"{CP}metadata/{LOMM}lom/{LOMM}rights")
    assert "MIT License" in rights.findtext(f"{LOMM}description/{LOMM}string")
    assert "not medical advice" in rights.findtext(f"{LOMM}description/{LOMM}string")


def test_the_answer_key_is_for_instructors_only_and_not_a_learner_item(fixture_catalog):
    package = check(cartridge.module_cartridge(fixture_catalog.modules["fixture-basics"], fixture_catalog, SITE))
    key = package.resources()["R_answers_fixture-basics"]
    roles = [r.findtext(f"{LOMR}value") for r in key.iter(f"{LOMR}intendedEndUserRole")]
    assert roles == ["Instructor"]
    referenced = {i.get("identifierref") for i in package.manifest.iter(f"{CP}item")}
    assert "R_answers_fixture-basics" not in referenced
    key_page = package.resource_file(key).decode()
    assert "Answer: " in key_page and "For instructors" in key_page
    for name in package.archive.namelist():  # no learner page links to the key
        if name.endswith(".html") and name != key.get("href"):
            assert "answer-key.html" not in package.archive.read(name).decode()


def test_the_web_link_is_absolute_from_the_configured_site_url_and_left_out_without_one(fixture_catalog):
    module = fixture_catalog.modules["fixture-basics"]
    package = check(cartridge.module_cartridge(module, fixture_catalog, SITE))
    link = ET.fromstring(package.resource_file(package.resources()["R_link_fixture-basics"]))
    assert link[1].get("href") == "https://painguide.example.org/trainers/fixture-basics/index.html"
    without = check(cartridge.module_cartridge(module, fixture_catalog, None))
    assert not [r for r in without.resources().values() if r.get("type") == "imswl_xmlv1p1"]


def test_the_same_content_gives_the_same_bytes(fixture_catalog):
    first = cartridge.curriculum_cartridge(fixture_catalog, SITE)
    assert cartridge.curriculum_cartridge(fixture_catalog, SITE) == first
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert archive.namelist()[0] == "imsmanifest.xml"
    assert archive.namelist()[1:] == sorted(archive.namelist()[1:])
    assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b'type="webcontent"', b'type="webpage"'),  # not a CC 1.1 resource type
        (b"<schemaversion>1.1.0<", b"<schemaversion>1.3.0<"),
        (b'structure="rooted-hierarchy"', b'structure="flat"'),
        (b"<lomimscc:language>en</lomimscc:language>", b"<lomimscc:langue>en</lomimscc:langue>"),
        (b'identifierref="R_case_fixture-basics"', b'identifierref="R_nowhere"'),  # IDREF without an ID
    ],
)
def test_the_xsd_check_rejects_a_broken_manifest(fixture_catalog, old, new):
    # the validator really validates: each change alone makes the manifest invalid
    data = cartridge.module_cartridge(fixture_catalog.modules["fixture-basics"], fixture_catalog, SITE)
    manifest = zipfile.ZipFile(io.BytesIO(data)).read("imsmanifest.xml")
    assert xsd_errors(manifest_schema(), manifest) == []
    assert old in manifest
    assert xsd_errors(manifest_schema(), manifest.replace(old, new, 1))


# Every code point XML 1.0 excludes, as content validation would refuse them (this bypasses it).
NOT_XML = "\ufffe\uffff\x01\x0b\ud800"


def test_text_xml_cannot_carry_never_reaches_a_cartridge(fixture_catalog):
    """U+FFFE in a module title once made the manifest, QTI and web link "not well-formed (invalid token)"."""
    module = fixture_catalog.modules["fixture-basics"]
    question = module.questions[0]
    question = question.model_copy(
        update={
            "prompt": f"{question.prompt}{NOT_XML}",
            "choices": [f"{c}{NOT_XML}" if c == question.answer else c for c in question.choices],
            "answer": f"{question.answer}{NOT_XML}",
        }
    )
    hostile = module.model_copy(
        update={"title": f"Measuring {NOT_XML}care", "summary": f"{module.summary}{NOT_XML}", "questions": [question]}
    )
    catalog = dataclasses.replace(fixture_catalog, modules={**fixture_catalog.modules, hostile.id: hostile})
    for data in (cartridge.module_cartridge(hostile, catalog, SITE), cartridge.curriculum_cartridge(catalog, SITE)):
        package = check(data)  # parses the manifest, QTI and web link, and validates them against the XSDs
        archive = package.archive
        for name in archive.namelist():
            if name.endswith(".xml"):
                ET.fromstring(archive.read(name))  # expat: every XML member well-formed
            text = archive.read(name).decode("utf-8")
            assert not set(text) & set(NOT_XML), name
        titles = [m.findtext(f"{CP}title") for m in package.modules()]
        assert "Measuring care" in titles
