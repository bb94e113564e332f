"""HL7 Context-Aware Knowledge Retrieval (Infobutton), URL-based implementation guide: an EHR's knowledge
request for a problem or medication code, answered the way MedlinePlus Connect answers it, but with the page
for the reader (``informationRecipient`` PAT: the plain-language patient page; PROV: the clinician page).

Responses: an Atom feed as the SOA implementation guide defines it (``text/xml``, the default), the same feed
in MedlinePlus Connect's JSON shape (``application/json``; ``application/javascript`` with a ``callback``),
or a redirect to the best page (``text/html``). The request is echoed as ``category`` elements.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from typing import Annotated, Any, Literal
from urllib.parse import urljoin

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from painguide.content import characters, codes
from painguide.export import xmltext
from painguide.search import Filters
from painguide.serve import knowledge
from painguide.serve.knowledge import Answer
from painguide.serve.release import Release
from painguide.serve.workers import CpuPool

ATOM = "http://www.w3.org/2005/Atom"
LANGUAGE = "en"  # every page is in English today; a request for another language gets English, and says so
# JSONP callbacks. JSONP is kept because MedlinePlus Connect offers it and EHR widgets written for it pass
# `callback=`, but the response is a script on this site's origin: under the pages' `script-src 'self'`, a
# markup injection could load it to call a function of its choosing with our feed as the argument. So the
# name is a plain ASCII identifier (no dots: `location.assign`, `document.write`, `top.postMessage` are out
# of reach; jQuery's generated `jQuery3600…_1699…` and MedlinePlus-style `CallbackFunction` still pass),
# never a browser global that acts on its argument (dialogs, eval and timers, windows, messaging, module
# loaders), the site's own globals, or a name starting "__" (internals such as Material's `__md_set`).
# nosniff, sent on every response, does not help here: the gadget is served with the right type. A check of
# Sec-Fetch-Site would, but the response cache and shared caches key on the URL alone.
CALLBACK = r"^[A-Za-z_$][A-Za-z0-9_$]{0,63}$"
DENIED_CALLBACKS = frozenset(
    {
        *("alert", "confirm", "prompt", "print"),
        *("eval", "Function", "setTimeout", "setInterval", "setImmediate", "execScript", "queueMicrotask"),
        *("requestAnimationFrame", "requestIdleCallback", "reportError"),
        *("open", "close", "stop", "focus", "blur", "location", "navigate", "postMessage", "fetch"),
        *("importScripts", "define", "require", "PainGuideTools", "MiniSearch"),
    }
)
_OID = r"^[0-2](\.(0|[1-9][0-9]{0,9})){1,20}$"
_TOKEN = r"^[A-Za-z0-9_.:-]{1,64}$"
# Refused in display names and original text: controls, and what XML 1.0 cannot carry or Unicode calls a
# non-character (U+FFFE, U+FFFF, U+FDD0-U+FDEF and the last two of every plane): the value is echoed in the
# Atom feed, and none of them belongs in a term a clinician sees.
_CONTROL = re.compile(f"[\x00-\x1f\x7f\ud800-\udfff{characters.NONCHARACTERS}]")
# The parameters the answer depends on, in the order they are echoed (others are accepted and ignored).
ECHOED = (
    "mainSearchCriteria.v.c",
    "mainSearchCriteria.v.cs",
    "mainSearchCriteria.v.dn",
    "mainSearchCriteria.v.ot",
    "informationRecipient",
    "informationRecipient.languageCode.c",
    "taskContext.c.c",
    "knowledgeResponseType",
)
PARAMETERS = frozenset({*ECHOED, "callback"})


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


def _plain(value: object) -> object:
    if isinstance(value, str):
        value = " ".join(value.split())
        if _CONTROL.search(value):
            raise ValueError("control characters and non-characters (such as U+FFFE) are not allowed")
    return value


def _callback(value: str) -> str:
    if value in DENIED_CALLBACKS or value.startswith("__"):
        raise ValueError("the callback must be a function of your page, not a browser global")
    return value


Phrase = Annotated[str, BeforeValidator(_plain), Field(max_length=256)]


class KnowledgeRequest(BaseModel):
    """The URL-based request, by its HL7 parameter names. Unknown parameters are ignored, as the IG asks."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)

    code: str | None = Field(None, alias="mainSearchCriteria.v.c", pattern=_TOKEN)
    code_system: str | None = Field(None, alias="mainSearchCriteria.v.cs", pattern=_OID, max_length=128)
    display_name: Phrase | None = Field(None, alias="mainSearchCriteria.v.dn")
    original_text: Phrase | None = Field(None, alias="mainSearchCriteria.v.ot")
    recipient: Annotated[Literal["PAT", "PROV", "PAYOR"], BeforeValidator(_upper)] = Field(
        "PROV", alias="informationRecipient", description="PAT: patient pages; PROV (default): clinician pages."
    )
    language: str | None = Field(
        None, alias="informationRecipient.languageCode.c", pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$"
    )
    task: str | None = Field(None, alias="taskContext.c.c", pattern=r"^[A-Za-z]{2,20}$")
    response_type: Literal["text/xml", "application/json", "application/javascript", "text/html"] = Field(
        "text/xml", alias="knowledgeResponseType"
    )
    callback: Annotated[str, Field(pattern=CALLBACK), AfterValidator(_callback)] | None = Field(
        None, description="JSONP only: a plain identifier, not a browser global such as alert, eval or postMessage."
    )

    @property
    def patient(self) -> bool:
        return self.recipient == "PAT"

    def echo(self) -> list[tuple[str, str]]:
        """The request as (parameter, value) pairs, for the feed's ``category`` elements."""
        values = self.model_dump(by_alias=True)
        values["informationRecipient"] = self.recipient
        values["knowledgeResponseType"] = self.response_type
        return [(name, str(values[name])) for name in ECHOED if values.get(name) is not None]


async def find(release: Release, pool: CpuPool, request: KnowledgeRequest, site_url: str | None) -> list[Answer]:
    """Entries by code (walking up ICD-10-CM), else a search for the display name, then the original text."""
    system = codes.SYSTEM_BY_OID.get(request.code_system or "")
    entries = []
    # An unsupported code system (ICD-9-CM, NDC...) cannot match a code: the text fallbacks still apply.
    if request.code and (system is not None or request.code_system is None):
        entries = knowledge.by_code(release, system, request.code)
    found = knowledge.for_reader(release, site_url, entries, request.patient)
    filters = Filters(audience="patient" if request.patient else None)
    for text in (request.display_name, request.original_text):
        if found or not text:
            continue
        results = await pool.run(release.search.search, text, filters, knowledge.MAX_ENTRIES, 0)
        hits = [release.entries[h.id] for h in results.results if h.id in release.entries]
        found = knowledge.for_reader(release, site_url, hits, request.patient)
    return found


def _updated(release: Release, answers: list[Answer]) -> str:
    # The newest review date among the answers (else the corpus): the same request gives the same bytes.
    dates = [a.entry.reviewed for a in answers] or [e.reviewed for e in release.entries.values()] or [dt.date.today()]
    return _timestamp(max(dates))


def _timestamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _subtitle(request: KnowledgeRequest, answers: list[Answer]) -> str:
    asked = request.code or request.display_name or request.original_text or "no concept"
    reader = "patients" if request.patient else "clinicians"
    note = ""
    if request.language and request.language.split("-")[0].lower() != LANGUAGE:
        note = f" Pages are in English only; '{request.language}' is not available yet."
    return f"PainGuide results for {asked}, for {reader}: {len(answers)} found.{note}"


def feed(release: Release, request: KnowledgeRequest, answers: list[Answer], site_url: str | None) -> dict[str, Any]:
    """The answer in MedlinePlus Connect's JSON shape (text nodes under ``_value``)."""
    updated = _updated(release, answers)
    base = knowledge.public_base(release, site_url)
    return {
        "feed": {
            "base": base,
            "lang": LANGUAGE,
            "title": {"type": "text", "_value": "PainGuide"},
            "updated": {"_value": updated},
            "id": {"_value": urljoin(base, "api/v1/infobutton")},
            "author": {"name": {"_value": "PainGuide"}, "uri": {"_value": base}},
            "subtitle": {"type": "text", "_value": _subtitle(request, answers)},
            "category": [{"scheme": scheme, "term": term} for scheme, term in request.echo()],
            "entry": [
                {
                    "title": {"type": "text", "_value": a.entry.title},
                    "link": [{"href": a.url, "rel": "alternate", "hreflang": LANGUAGE, "type": "text/html"}],
                    "id": {"_value": a.url},
                    "summary": {"type": "text", "_value": a.entry.summary},
                    "updated": {"_value": _timestamp(a.entry.reviewed)},
                }
                for a in answers
            ],
        }
    }


def atom(data: dict[str, Any]) -> bytes:
    """The same feed as Atom XML (RFC 4287), as the Infobutton SOA implementation guide specifies."""
    f = data["feed"]
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": f["lang"]})
    root.set("{http://www.w3.org/XML/1998/namespace}base", f["base"])

    def text(parent: ET.Element, tag: str, node: dict[str, Any]) -> None:
        child = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {"type": node["type"]} if "type" in node else {})
        child.text = node["_value"]

    text(root, "title", f["title"])
    text(root, "subtitle", f["subtitle"])
    text(root, "updated", f["updated"])
    text(root, "id", f["id"])
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    text(author, "name", f["author"]["name"])
    text(author, "uri", f["author"]["uri"])
    for category in f["category"]:
        ET.SubElement(root, f"{{{ATOM}}}category", {"scheme": category["scheme"], "term": category["term"]})
    for e in f["entry"]:
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        text(entry, "title", e["title"])
        for link in e["link"]:
            ET.SubElement(entry, f"{{{ATOM}}}link", link)
        text(entry, "id", e["id"])
        text(entry, "updated", e["updated"])
        text(entry, "summary", e["summary"])
    return xmltext.document(root)  # drops what XML 1.0 excludes, e.g. U+FFFF in an entry's title


def jsonp(callback: str, data: dict[str, Any]) -> bytes:
    # ASCII-only JSON escapes U+2028/9 (line breaks to older JavaScript); "<" too, so "</script>" cannot occur.
    body = json.dumps(data, ensure_ascii=True).replace("<", "\\u003c")
    return f"/**/{callback}({body});".encode()


# Knowledge resource profile (OpenInfobutton's ResourceProfile-v2.8_LITE.xsd): how an infobutton manager
# routes requests here. One context per EHR task group, each for both kinds of reader.
_CONTEXTS = (
    ("Problem list review", ("PROBLISTREV", "PROBLISTE")),
    ("Medication list review and order entry", ("MLREV", "MEDOE")),
)
_ACT_CODE = "2.16.840.1.113883.5.4"  # HL7 ActCode: task contexts


def profile(service_url: str, published: dt.date) -> bytes:
    """The knowledge resource profile XML for this endpoint (``service_url`` is its absolute address)."""
    root = ET.Element("knowledgeResourceProfile")
    header = ET.SubElement(root, "header", {"id": "1"})
    ET.SubElement(header, "title").text = "PainGuide"
    ET.SubElement(header, "profileDescription").text = (
        "Integrative chronic-pain care guidance: clinician pages (informationRecipient PROV) and plain-language "
        "patient pages (PAT), in English, for ICD-10-CM problem codes and RxNorm ingredient codes."
    )
    ET.SubElement(header, "versionControl", {"publicationDate": f"{published.isoformat()}T00:00:00"})
    definition = ET.SubElement(
        root, "profileDefinition", {"hl7URLCompliant": "true", "hl7KnowledgeResponseCompliant": "true"}
    )
    organizations = ET.SubElement(definition, "authorizedOrganizations")
    # Open content: no key, no licence check. The schema requires at least one organization.
    ET.SubElement(organizations, "authorizedOrganization", {"id": "*", "name": "Any organization"})
    terminologies = ET.SubElement(definition, "supportedTerminologies")
    for system in ("icd10cm", "rxnorm"):
        ET.SubElement(terminologies, "supportedTerminology", {"id": codes.OIDS[system], "name": codes.LABELS[system]})
    contexts = ET.SubElement(definition, "contexts")
    for n, (name, tasks) in enumerate(_CONTEXTS, start=1):
        context = ET.SubElement(contexts, "context", {"id": str(n), "name": name})
        spec = ET.SubElement(context, "contextDefinition")
        task = ET.SubElement(spec, "task", {"match": "true", "search": "false"})
        enumeration = ET.SubElement(ET.SubElement(task, "matchingDomain"), "enumeration")
        enumeration.set("includeDescendants", "false")
        for code in tasks:
            ET.SubElement(enumeration, "code", {"code": code, "codeSystem": _ACT_CODE})
        ET.SubElement(spec, "informationRecipientLanguage", {"match": "false", "search": "true"})
        ET.SubElement(spec, "informationRecipientUserType", {"match": "false", "search": "true"})
        ET.SubElement(spec, "conceptOfInterest", {"match": "false", "search": "true"})
        topics = ET.SubElement(spec, "subTopics")
        ET.SubElement(topics, "subTopic", {"linkName": "Pain care guidance"})
        service = ET.SubElement(context, "knowledgeRequestService")
        ET.SubElement(service, "knowledgeRequestServiceLocation", {"url": service_url + "?"})
    return xmltext.document(root)
