"""Checks every exported cartridge must pass: the CC 1.1 profile XSDs (what Moodle runs before importing), then
the referential rules an XSD cannot express. Shared by the export, serve and CLI tests."""

from __future__ import annotations

import io
import posixpath
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from functools import cache

import xmlschema

from tests.helpers import DATA

XSD = DATA / "xsd" / "cc11"
CP = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
WL = "{http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1}"
LOMR = "{http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource}"
LOMM = "{http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest}"
# cc_profile values the CC 1.1 QTI profile defines (standards-notes §2)
CC_PROFILES = {
    "cc.exam.v0p1",
    "cc.multiple_choice.v0p1",
    "cc.multiple_response.v0p1",
    "cc.true_false.v0p1",
    "cc.fib.v0p1",
    "cc.pattern_match.v0p1",
    "cc.essay.v0p1",
}


@cache
def schema(name: str) -> xmlschema.XMLSchema10:
    return xmlschema.XMLSchema10(str(XSD / name))


def manifest_schema() -> xmlschema.XMLSchema10:
    return schema("ccv1p1_imscp_v1p2_v1p0.xsd")


def qti_schema() -> xmlschema.XMLSchema10:
    return schema("ccv1p1_qtiasiv1p2p1_v1p0.xsd")


def weblink_schema() -> xmlschema.XMLSchema10:
    return schema("ccv1p1_imswl_v1p1.xsd")


def xsd_errors(validator: xmlschema.XMLSchema10, data: bytes) -> list[str]:
    # use_location_hints=False: the documents' xsi:schemaLocation names imsglobal.org URLs, never fetched
    return [str(e).splitlines()[0] for e in validator.iter_errors(data.decode("utf-8"), use_location_hints=False)]


@dataclass
class Cartridge:
    archive: zipfile.ZipFile
    manifest: ET.Element

    def resources(self) -> dict[str, ET.Element]:
        return {r.get("identifier", ""): r for r in self.manifest.iter(f"{CP}resource")}

    def resource_file(self, resource: ET.Element) -> bytes:
        return self.archive.read(resource.find(f"{CP}file").get("href"))

    def modules(self) -> list[ET.Element]:
        """The organization's second-level items: one per curriculum module (Canvas makes each a Module)."""
        root = self.manifest.find(f"{CP}organizations/{CP}organization/{CP}item")
        return list(root.findall(f"{CP}item"))


def check(data: bytes) -> Cartridge:
    """Open a cartridge and assert everything an LMS relies on; returns it for further checks."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert "imsmanifest.xml" in names, "the manifest must sit at the zip root"
    assert len(names) == len(set(names)), "a zip entry is repeated"
    for name in names:
        assert not name.startswith("/") and "\\" not in name, f"absolute or Windows path {name!r}"
        assert ".." not in name.split("/"), f"'..' in {name!r}"
    raw = archive.read("imsmanifest.xml")
    # Moodle's importer recognises CC 1.1 by this literal in the first 500 bytes of the manifest
    assert b'xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"' in raw[:500]
    assert xsd_errors(manifest_schema(), raw) == []
    manifest = ET.fromstring(raw)
    cartridge = Cartridge(archive, manifest)

    identifiers = [e.get("identifier") for e in manifest.iter() if e.get("identifier") is not None]
    assert len(identifiers) == len(set(identifiers)), "identifiers must be unique"
    resources = cartridge.resources()
    for item in manifest.iter(f"{CP}item"):
        if (ref := item.get("identifierref")) is not None:
            assert ref in resources, f"item {item.get('identifier')} points to a missing resource {ref}"
    listed = set()
    for resource in resources.values():
        files = [f.get("href") for f in resource.findall(f"{CP}file")]
        assert files, f"resource {resource.get('identifier')} lists no file"
        for href in [*files, resource.get("href")]:
            if href is None:
                continue
            assert not href.startswith("/") and "://" not in href and ".." not in href.split("/"), href
            assert href in names, f"{href} is listed in the manifest but not in the zip"
        if resource.get("href") is not None:
            assert resource.get("href") in files
        listed.update(files)
        kind = resource.get("type")
        if kind == "imsqti_xmlv1p2/imscc_xmlv1p1/assessment":
            assert resource.get("href") is None and len(files) == 1
            assessment = archive.read(files[0])
            assert xsd_errors(qti_schema(), assessment) == []
            profiles = [f.findtext(f"{QTI}fieldentry") for f in _fields(ET.fromstring(assessment), "cc_profile")]
            assert profiles and set(profiles) <= CC_PROFILES
        elif kind == "imswl_xmlv1p1":
            assert resource.get("href") is None and len(files) == 1
            assert xsd_errors(weblink_schema(), archive.read(files[0])) == []
    assert set(names) - {"imsmanifest.xml"} == listed, "every file in the zip is listed by a resource"
    for name in names:
        if name.endswith(".html"):
            _check_page(name, archive.read(name).decode("utf-8"), set(names))
    return cartridge


def _fields(root: ET.Element, label: str) -> list[ET.Element]:
    return [f for f in root.iter(f"{QTI}qtimetadatafield") if f.findtext(f"{QTI}fieldlabel") == label]


def _check_page(name: str, html: str, names: set[str]) -> None:
    """A page works without our site: no script, nothing loaded from elsewhere, relative links resolve."""
    from html.parser import HTMLParser

    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.hrefs: list[str] = []
            self.tags: set[str] = set()
            self.attrs: set[str] = set()

        def handle_starttag(self, tag, attrs):
            self.tags.add(tag)
            self.attrs.update(k for k, _ in attrs)
            self.hrefs += [v or "" for k, v in attrs if k == "href"]

    links = Links()
    links.feed(html)
    assert not links.tags & {"script", "iframe", "img", "link", "object", "embed", "form"}, name
    assert not {a for a in links.attrs if a.startswith("on")} and "src" not in links.attrs, name
    folder = posixpath.dirname(name)
    for href in links.hrefs:
        if href.startswith(("https://", "http://")):
            continue  # a cited source's own address, or a page of the site
        assert "://" not in href and not href.startswith(("/", "javascript:")), f"{name}: {href}"
        assert posixpath.normpath(posixpath.join(folder, href)) in names, f"{name}: broken link {href}"


def keyed_answers(assessment: bytes) -> list[tuple[str, str, list[str]]]:
    """(prompt, the choice text that scores 100, every choice's text) per item, from the QTI alone."""
    out = []
    for item in ET.fromstring(assessment).iter(f"{QTI}item"):
        prompt = item.findtext(f"{QTI}presentation/{QTI}material/{QTI}mattext")
        labels = {
            label.get("ident"): label.findtext(f"{QTI}material/{QTI}mattext")
            for label in item.iter(f"{QTI}response_label")
        }
        keyed = [
            c.findtext(f"{QTI}conditionvar/{QTI}varequal")
            for c in item.iter(f"{QTI}respcondition")
            if any(s.get("varname") == "SCORE" and s.text == "100" for s in c.findall(f"{QTI}setvar"))
        ]
        assert len(keyed) == 1, f"{prompt}: exactly one choice scores 100"
        out.append((prompt, labels[keyed[0]], list(labels.values())))
    return out
