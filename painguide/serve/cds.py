"""CDS Hooks 2.0: a ``patient-view`` service that reads the patient's conditions and medications from the
request's ``prefetch`` (FHIR R4 Condition and MedicationRequest codings, parsed with fhir.resources) and
returns an information card per PainGuide entry their codes match, linking the clinician and patient pages.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from painguide.content import codes
from painguide.content.schema import EntryModel
from painguide.serve import knowledge
from painguide.serve.release import Release

SERVICE_ID = "painguide-patient-view"
MAX_CARDS = 10
MAX_SUMMARY = 139  # CDS Hooks: "<140 characters"
_PREFETCH = {
    "conditions": "Condition?patient={{context.patientId}}&clinical-status=active",
    "medications": "MedicationRequest?patient={{context.patientId}}&status=active",
}
_READS = {"Condition", "MedicationRequest"}
# A card's `detail` is Markdown (CDS Hooks 2.0), and an EHR renders it inside the chart. Our summaries are
# plain text, so every character that could start Markdown syntax is backslash-escaped (CommonMark lets any
# ASCII punctuation be escaped and shows it as typed): no link, image, HTML, emphasis, list or heading can
# come from content. ":" (after "http", "javascript"...), "." (in "www.") and "@" are escaped too, so a
# renderer that autolinks bare URLs or e-mail addresses (GFM; marked, markdown-it's linkify) finds none.
# Our own links go only in the card's `links`.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~&:@])")
# `summary` and link labels are plain text (the spec), shown as typed; an EHR that renders them as Markdown
# anyway finds no link or image syntax: square brackets become parentheses, and "<", ">" go.
_PLAIN = str.maketrans({"[": "(", "]": ")", "<": None, ">": None})


class BadRequest(ValueError):
    """The hook call cannot be read (the route answers 400 with this message)."""


class HookRequest(BaseModel):
    """The parts of a CDS Hooks call this service reads (other fields are allowed and ignored)."""

    model_config = ConfigDict(extra="ignore")

    hook: str = Field(max_length=64)
    hookInstance: str = Field(max_length=128)
    context: dict[str, Any] = {}
    prefetch: dict[str, Any] | None = None


def discovery() -> dict[str, Any]:
    return {
        "services": [
            {
                "hook": "patient-view",
                "id": SERVICE_ID,
                "title": "PainGuide: integrative chronic-pain care guidance",
                "description": "Cards linking PainGuide's clinician and patient pages for the patient's coded "
                "conditions (ICD-10-CM) and medications (RxNorm ingredients).",
                "prefetch": _PREFETCH,
            }
        ]
    }


def _resources(value: Any) -> list[Any]:
    """The Condition and MedicationRequest resources in one prefetch value (a Bundle or a single resource)."""
    if not isinstance(value, dict):
        return []
    kind = value.get("resourceType")
    if kind == "Bundle":
        entries = value.get("entry") or []
        if not isinstance(entries, list):
            raise BadRequest("prefetch Bundle.entry must be a list")
        return [r for e in entries if isinstance(e, dict) for r in _resources(e.get("resource"))]
    if kind not in _READS:
        return []
    try:
        return [get_fhir_model_class(kind).model_validate(value)]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise BadRequest(f"prefetch {kind} is not valid FHIR R4: {where}: {first.get('msg')}") from None


def _codings(resource: Any) -> list[tuple[str, str]]:
    concept = resource.code if resource.get_resource_type() == "Condition" else resource.medicationCodeableConcept
    found = []
    for coding in (concept.coding or []) if concept is not None else []:
        system = codes.SYSTEM_BY_URI.get(coding.system or "") or codes.SYSTEM_BY_OID.get(
            (coding.system or "").removeprefix("urn:oid:")
        )
        if system and coding.code:
            found.append((system, coding.code))
    return found


def cards(release: Release, site_url: str | None, request: HookRequest) -> list[dict[str, Any]]:
    if request.hook != "patient-view":
        raise BadRequest(f"this service answers the patient-view hook, not '{request.hook}'")
    resources = [r for value in (request.prefetch or {}).values() for r in _resources(value)]
    matched: dict[str, EntryModel] = {}
    for resource in resources:
        for system, code in _codings(resource):
            for entry in knowledge.by_code(release, system, code):
                matched.setdefault(entry.id, entry)
    return [_card(release, site_url, entry) for entry in list(matched.values())[:MAX_CARDS]]


def markdown_text(text: str) -> str:
    """Plain ``text`` as Markdown that renders as exactly that text, on one line."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))


def plain_text(text: str) -> str:
    """Plain ``text`` for a plain-text field, without anything a Markdown renderer would make a link of."""
    return " ".join(text.translate(_PLAIN).split())


def _card(release: Release, site_url: str | None, entry: EntryModel) -> dict[str, Any]:
    clinician = knowledge.for_reader(release, site_url, [entry], patient=False)[0]
    title = plain_text(entry.title)
    links = [{"label": f"PainGuide for clinicians: {title}", "url": clinician.url, "type": "absolute"}]
    for patient in knowledge.for_reader(release, site_url, [entry], patient=True):
        links.append({"label": "Plain-language page to share with the patient", "url": patient.url, "type": "absolute"})
    summary = f"PainGuide: {title}"
    return {
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, clinician.url)),
        "summary": summary if len(summary) <= MAX_SUMMARY else summary[: MAX_SUMMARY - 1] + "…",
        "indicator": "info",
        "detail": markdown_text(entry.summary),
        "source": {"label": "PainGuide", "url": knowledge.public_base(release, site_url)},
        "links": links,
    }
