"""CDS Hooks 2.0: discovery and the patient-view service's cards for a prefetch bundle."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from starlette.testclient import TestClient

from painguide.serve import cds, knowledge
from painguide.serve.app import create_app
from painguide.settings import Settings

SITE = "https://painguide.example.org/"
SERVICE = "/cds-services/painguide-patient-view"


@pytest.fixture(scope="module")
def ehr(built: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(build_dir=built, site_url=SITE)), raise_server_exceptions=False) as c:
        yield c


def _bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in resources]}


def _condition(system: str, code: str) -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "subject": {"reference": "Patient/example"},
        "code": {"coding": [{"system": system, "code": code}]},
    }


def _medication(code: str) -> dict[str, Any]:
    return {
        "resourceType": "MedicationRequest",
        "status": "active",
        "intent": "order",
        "subject": {"reference": "Patient/example"},
        "medicationCodeableConcept": {
            "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": code}]
        },
    }


def _call(prefetch: dict[str, Any] | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "hook": "patient-view",
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {"userId": "Practitioner/example", "patientId": "example"},
    }
    if prefetch is not None:
        body["prefetch"] = prefetch
    return body


def test_discovery_lists_the_patient_view_service(ehr: TestClient) -> None:
    [service] = ehr.get("/cds-services").json()["services"]
    assert service["hook"] == "patient-view" and service["id"] == "painguide-patient-view"
    assert set(service["prefetch"]) == {"conditions", "medications"}
    assert "{{context.patientId}}" in service["prefetch"]["conditions"]


def test_cards_for_coded_conditions_and_medications(ehr: TestClient) -> None:
    prefetch = {
        "conditions": _bundle(_condition("http://hl7.org/fhir/sid/icd-10-cm", "M17.11")),
        "medications": _bundle(_medication("161"), _medication("7052")),
    }
    response = ehr.post(SERVICE, json=_call(prefetch))
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    assert [c["summary"] for c in cards] == [
        "PainGuide: Osteoarthritis pain",
        "PainGuide: Acetaminophen",
        "PainGuide: Opioid pain medicines",
    ]
    for card in cards:
        assert len(card["summary"]) < 140 and card["indicator"] == "info"
        assert card["source"]["label"] == "PainGuide"
        assert all(link["type"] == "absolute" and link["url"].startswith(SITE) for link in card["links"])
    knee = cards[0]["links"]
    assert [link["url"] for link in knee] == [
        SITE + "conditions/osteoarthritis-pain.html",
        SITE + "patients/osteoarthritis-pain.html",
    ]


def test_a_condition_coded_only_in_another_system_gets_no_card(ehr: TestClient) -> None:
    prefetch = {"conditions": _bundle(_condition("http://snomed.info/sct", "239873007"))}
    assert ehr.post(SERVICE, json=_call(prefetch)).json() == {"cards": []}


def test_no_prefetch_means_no_cards(ehr: TestClient) -> None:
    assert ehr.post(SERVICE, json=_call(None)).json() == {"cards": []}


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"hook": "patient-view"}',  # no hookInstance
        b'{"hook": "order-select", "hookInstance": "x"}',
        b'{"hook": "patient-view", "hookInstance": "x", "prefetch": {"c": {"resourceType": "Condition", '
        b'"subject": "not a reference", "code": 5}}}',
        b'{"hook": "patient-view", "hookInstance": "x", "prefetch": {"c": {"resourceType": "Bundle", "entry": 3}}}',
    ],
)
def test_unreadable_calls_get_400(ehr: TestClient, body: bytes) -> None:
    response = ehr.post(SERVICE, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["error"]["message"]


def test_an_oversized_call_gets_413(ehr: TestClient) -> None:
    response = ehr.post(SERVICE, content=b"[" + b" " * (2**20 + 10) + b"]")
    assert response.status_code == 413


def test_browsers_may_call_the_service_across_origins(ehr: TestClient) -> None:
    response = ehr.options(
        SERVICE,
        headers={
            "Origin": "https://sandbox.cds-hooks.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 200 and "POST" in response.headers["access-control-allow-methods"]


# The security review's payload (F8): a plain-text summary that was copied into the Markdown `detail` as is.
P6 = "[P6a](javascript:alert(6)) ![P6b](http://127.0.0.1:8619/p6.png)"
HOSTILE_TEXT = [
    P6,
    "<img src=x onerror=alert(1)> <script>alert(2)</script> <https://evil.example/>",
    "# Heading",
    "1. list",
    "- item",
    "+ item",
    "> quote",
    "    indented code",
    "`code` *em* __strong__ ~~del~~",
    "[ref][x] [x]: https://evil.example/ ![img][x]",
    "a | b\n--|--\nc | d",
    "&lt;img&gt; &#106;avascript:",
    "www.evil.example http://evil.example/x mail@evil.example",
    "trailing backslash \\",
    "{: #__config }",
]
# GitHub Flavored Markdown's extended autolinks (what a GFM renderer links without any syntax)
_AUTOLINK = re.compile(r"(?:https?|ftp)://|www\.|[\w.+-]+@[\w-]+\.\w")


def _render(markdown: str) -> list[str]:
    """The detail as CommonMark (markdown-it-py, the reference implementation's rules) and with GFM tables
    and strikethrough, as an EHR would render it."""
    return [MarkdownIt("commonmark").render(markdown), MarkdownIt("gfm-like", {"linkify": False}).render(markdown)]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_detail_renders_plain_text_as_typed(text: str) -> None:
    detail = cds.markdown_text(text)
    assert "\n" not in detail and not _AUTOLINK.search(detail)
    for html in _render(detail):
        assert html.startswith("<p>") and html.endswith("</p>\n") and html.count("<") == 2, html
        assert unescape(html[3:-5]) == " ".join(text.split())


def test_a_hostile_summary_never_becomes_a_link_or_an_image(ehr: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """By the review's reproduction: an EHR rendering the card showed the author's link and loaded an image."""
    by_code = knowledge.by_code

    def hostile(*args: Any) -> list[Any]:
        return [e.model_copy(update={"summary": f"Knee pain {P6}", "title": f"Knee {P6}"}) for e in by_code(*args)]

    monkeypatch.setattr(knowledge, "by_code", hostile)
    prefetch = {"conditions": _bundle(_condition("http://hl7.org/fhir/sid/icd-10-cm", "M17.11"))}
    [card] = ehr.post(SERVICE, json=_call(prefetch)).json()["cards"]
    for html in _render(card["detail"]):
        assert "<a" not in html and "<img" not in html and "href" not in html and "src=" not in html
        assert unescape(html.strip().removeprefix("<p>").removesuffix("</p>")) == f"Knee pain {P6}"
    # summary and labels are plain text: as typed, with nothing a renderer would take for a link or image
    assert card["summary"] == "PainGuide: Knee (P6a)(javascript:alert(6)) !(P6b)(http://127.0.0.1:8619/p6.png)"
    for text in [card["summary"], *(link["label"] for link in card["links"])]:
        for html in _render(text):
            assert "<a" not in html and "<img" not in html, html
    assert [link["url"] for link in card["links"]] == [
        SITE + "conditions/osteoarthritis-pain.html",
        SITE + "patients/osteoarthritis-pain.html",
    ]
