"""IMS Common Cartridge 1.1 packages: one module, or the whole curriculum as one course.

Layout of a cartridge (a zip)::

    imsmanifest.xml                       at the root (Moodle and Canvas look for it there)
    <module-id>/handout.html              webcontent: the learner handout
    <module-id>/lesson-01-<entry>.html    webcontent: one page per lesson, in order
    <module-id>/case.html                 webcontent: the vignette
    <module-id>/assignment.html           webcontent
    <module-id>/answer-key.html           webcontent, LOM intendedEndUserRole Instructor (Canvas locks it)
    <module-id>/knowledge-check.xml       imsqti_xmlv1p2/imscc_xmlv1p1/assessment (QTI 1.2, cc.exam.v0p1)
    <module-id>/site-link.xml             imswl_xmlv1p1: the module's page on the site (when its URL is known)

The organization has a root item and one item per module (Canvas makes each a Module) holding the pages,
the knowledge check and the link. The answer key is a resource outside the organization: an LMS imports
it as a course file (locked for learners in Canvas) without listing it among the learners' items.
Output is deterministic (fixed timestamps and order), so one release always gives the same bytes.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field

from painguide import urls
from painguide.content.catalog import Catalog, modules_in_order
from painguide.content.schema import Module
from painguide.export import pages, qti, xmltext

NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
LOM_MANIFEST = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
LOM_RESOURCE = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource"
WEBLINK = "http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
PROFILE = "http://www.imsglobal.org/profile/cc/ccv1p1"
SCHEMA_LOCATION = " ".join(
    [
        NS,
        f"{PROFILE}/ccv1p1_imscp_v1p2_v1p0.xsd",
        LOM_MANIFEST,
        f"{PROFILE}/LOM/ccv1p1_lommanifest_v1p0.xsd",
        LOM_RESOURCE,
        f"{PROFILE}/LOM/ccv1p1_lomresource_v1p0.xsd",
    ]
)
WEBCONTENT = "webcontent"
ASSESSMENT = "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"
WEB_LINK = "imswl_xmlv1p1"
MANIFEST = "imsmanifest.xml"
LANGUAGE = "en"
# Zip entries carry this time (the zip format's earliest): the bytes depend on the content alone.
_EPOCH = (1980, 1, 1, 0, 0, 0)


# Elements are named as written (``lomimscc:lom``) under namespace declarations set on the root by hand: Moodle
# looks for the literal default ``xmlns="…imsccv1p1/imscp_v1p1"`` in a manifest's first 500 bytes, and
# ElementTree's default_namespace option refuses unprefixed attributes.
def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _lang_string(parent: ET.Element, tag: str, text: str) -> None:
    _sub(_sub(parent, f"lomimscc:{tag}"), "lomimscc:string", text, language=LANGUAGE)


@dataclass
class _Package:
    """What a cartridge is being assembled from: organization items, resources and files."""

    modules: ET.Element
    resources: ET.Element
    files: dict[str, bytes] = field(default_factory=dict)

    def resource(self, ident: str, kind: str, path: str, *, href: bool, instructor: bool = False) -> None:
        attrs = {"identifier": ident, "type": kind, **({"href": path} if href else {})}
        resource = _sub(self.resources, "resource", **attrs)
        if instructor:
            lom = _sub(_sub(resource, "metadata"), "lom:lom")
            role = _sub(_sub(lom, "lom:educational"), "lom:intendedEndUserRole")
            _sub(role, "lom:source", "IMSGLC_CC_Rolesv1p1")
            _sub(role, "lom:value", "Instructor")
        _sub(resource, "file", href=path)


def ident(module_id: str, part: str) -> str:
    """An identifier (an XML ID: it may not start with a digit, which a module slug may)."""
    return f"{part}_{module_id}"


def module_url(site_url: str, module_id: str) -> str:
    """The module's page on the site: the absolute address a web link needs."""
    return site_url.rstrip("/") + urls.url(urls.module_page(module_id))


def _weblink(title: str, url: str) -> bytes:
    root = ET.Element("webLink", {"xmlns": WEBLINK})
    _sub(root, "title", title)
    _sub(root, "url", href=url, target="_blank")
    ET.indent(root)
    return xmltext.document(root)


def _html(page: pages.Page) -> bytes:
    # HTML is not XML, but an LMS may parse a page with an XML parser (or store it in an XML backup), and
    # in HTML the same code points are parse errors: they go too.
    return xmltext.clean(page.html).encode()


def _add_module(package: _Package, module: Module, catalog: Catalog, site_url: str | None) -> None:
    folder = module.id
    item = _sub(package.modules, "item", identifier=ident(module.id, "M"))
    _sub(item, "title", module.title)

    def entry(part: str, title: str, kind: str, path: str, data: bytes, *, href: bool) -> None:
        rid = ident(module.id, f"R_{part}")
        child = _sub(item, "item", identifier=ident(module.id, f"I_{part}"), identifierref=rid)
        _sub(child, "title", title)
        package.resource(rid, kind, path, href=href)
        package.files[path] = data

    for page in pages.module_pages(module, catalog, site_url):
        path = f"{folder}/{page.name}"
        if page.instructor:
            package.resource(ident(module.id, "R_answers"), WEBCONTENT, path, href=True, instructor=True)
            package.files[path] = _html(page)
            continue
        part = page.name.removesuffix(".html")
        entry(part, page.title, WEBCONTENT, path, _html(page), href=True)
        if page.name == "case.html":  # the knowledge check follows the case, before the assignment
            check = qti.assessment(module, ident(module.id, "R_check"))
            entry("check", "Knowledge check", ASSESSMENT, f"{folder}/knowledge-check.xml", check, href=False)
    if site_url:
        link = _weblink(f"{module.title} on PainGuide", module_url(site_url, module.id))
        entry("link", f"{module.title} on PainGuide", WEB_LINK, f"{folder}/site-link.xml", link, href=False)


def _metadata(manifest: ET.Element, title: str, description: str) -> None:
    metadata = _sub(manifest, "metadata")
    _sub(metadata, "schema", "IMS Common Cartridge")
    _sub(metadata, "schemaversion", "1.1.0")
    lom = _sub(metadata, "lomimscc:lom")
    general = _sub(lom, "lomimscc:general")
    _lang_string(general, "title", title)
    _sub(general, "lomimscc:language", LANGUAGE)
    _lang_string(general, "description", description)
    rights = _sub(lom, "lomimscc:rights")
    restricted = _sub(rights, "lomimscc:copyrightAndOtherRestrictions")
    _sub(restricted, "lomimscc:value", "yes")
    _lang_string(rights, "description", f"{pages.RIGHTS} For learning, not medical advice.")


def package(
    modules: list[Module], catalog: Catalog, *, identifier: str, title: str, description: str, site_url: str | None
) -> bytes:
    """A cartridge holding ``modules`` (one organization item each, in the order given), as zip bytes."""
    manifest = ET.Element(
        "manifest",
        {
            "identifier": identifier,
            "xmlns": NS,
            "xmlns:lom": LOM_RESOURCE,
            "xmlns:lomimscc": LOM_MANIFEST,
            "xmlns:xsi": XSI,
            "xsi:schemaLocation": SCHEMA_LOCATION,
        },
    )
    _metadata(manifest, title, description)
    organization = _sub(_sub(manifest, "organizations"), "organization", identifier="ORG", structure="rooted-hierarchy")
    built = _Package(_sub(organization, "item", identifier="ROOT"), _sub(manifest, "resources"))
    for module in modules:
        _add_module(built, module, catalog, site_url)
    ET.indent(manifest)
    built.files[MANIFEST] = xmltext.document(manifest)
    return _zip(built.files)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in [MANIFEST, *sorted(n for n in files if n != MANIFEST)]:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name], compresslevel=6)
    return buffer.getvalue()


def module_cartridge(module: Module, catalog: Catalog, site_url: str | None) -> bytes:
    return package(
        [module],
        catalog,
        identifier=ident(module.id, "PG"),
        title=module.title,
        description=module.summary,
        site_url=site_url,
    )


def curriculum_cartridge(catalog: Catalog, site_url: str | None) -> bytes:
    ordered = modules_in_order(catalog)
    return package(
        ordered,
        catalog,
        identifier="PG_curriculum",
        title="PainGuide curriculum: integrative chronic-pain care",
        description=f"All {len(ordered)} PainGuide curriculum modules in the order a group would take them, "
        "each with its lessons, a case, a knowledge check and an assignment.",
        site_url=site_url,
    )
