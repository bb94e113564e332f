"""HL7 Infobutton: golden Atom and JSON per reader, a MedlinePlus Connect-style client, hierarchy matching,
text fallbacks, redirects and hostile parameters."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from painguide.serve import infobutton
from painguide.serve.app import create_app
from painguide.settings import Settings

GOLDEN = Path(__file__).parents[1] / "data" / "golden"
SITE = "https://painguide.example.org/"
ICD10CM = "2.16.840.1.113883.6.90"
RXNORM = "2.16.840.1.113883.6.88"
ATOM = "{http://www.w3.org/2005/Atom}"
KNEE = {"mainSearchCriteria.v.c": "M17.11", "mainSearchCriteria.v.cs": ICD10CM, "taskContext.c.c": "PROBLISTREV"}


@pytest.fixture(scope="module")
def ehr(built: Path) -> Iterator[TestClient]:
    """The API with its public address configured, as a deployment sets PAINGUIDE_SITE_URL."""
    with TestClient(create_app(Settings(build_dir=built, site_url=SITE)), raise_server_exceptions=False) as c:
        yield c


def _golden(name: str, body: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("PAINGUIDE_UPDATE_GOLDEN"):  # regenerate deliberately, then review the diff
        path.write_bytes(body)
    assert body == path.read_bytes(), f"{name} changed; review, then PAINGUIDE_UPDATE_GOLDEN=1 to accept"


def _ask(ehr: TestClient, **params: str) -> Any:
    response = ehr.get("/api/v1/infobutton", params={"knowledgeResponseType": "application/json", **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_atom_for_a_clinician_matches_the_golden_file(ehr: TestClient) -> None:
    response = ehr.get("/api/v1/infobutton", params={**KNEE, "informationRecipient": "PROV"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/xml")
    _golden("infobutton-prov-M17.11.xml", response.content)


def test_atom_for_a_patient_matches_the_golden_file(ehr: TestClient) -> None:
    response = ehr.get("/api/v1/infobutton", params={**KNEE, "informationRecipient": "PAT"})
    _golden("infobutton-pat-M17.11.xml", response.content)


@pytest.mark.parametrize("recipient", ["PROV", "PAT"])
def test_json_matches_the_golden_file(ehr: TestClient, recipient: str) -> None:
    response = ehr.get(
        "/api/v1/infobutton",
        params={**KNEE, "informationRecipient": recipient, "knowledgeResponseType": "application/json"},
    )
    _golden(f"infobutton-{recipient.lower()}-M17.11.json", response.content)


def test_a_medlineplus_connect_client_reads_our_feed(ehr: TestClient) -> None:
    # Written the way MedlinePlus Connect clients read the service: feed.entry[i].title._value and so on.
    data = _ask(ehr, **KNEE, informationRecipient="PAT")
    entries = data["feed"]["entry"]
    first = entries[0]
    assert first["title"]["_value"] == "Osteoarthritis pain"
    assert first["link"][0]["href"] == SITE + "patients/osteoarthritis-pain.html"
    assert first["link"][0]["rel"] == "alternate"
    assert first["summary"]["_value"].startswith("Osteoarthritis is wear and change")
    assert {c["scheme"]: c["term"] for c in data["feed"]["category"]}["mainSearchCriteria.v.c"] == "M17.11"


def test_atom_has_what_rfc_4287_requires(ehr: TestClient) -> None:
    root = ET.fromstring(ehr.get("/api/v1/infobutton", params=KNEE).content)
    assert root.tag == f"{ATOM}feed"
    for tag in ("title", "id", "updated", "author"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    entries = root.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        for tag in ("title", "id", "updated", "summary"):
            assert (entry.findtext(f"{ATOM}{tag}") or "").strip(), tag
        link = entry.find(f"{ATOM}link")
        assert link is not None and link.get("rel") == "alternate" and link.get("href", "").startswith(SITE)
    echoed = {c.get("scheme"): c.get("term") for c in root.findall(f"{ATOM}category")}
    assert echoed == {
        "mainSearchCriteria.v.c": "M17.11",
        "mainSearchCriteria.v.cs": ICD10CM,
        "informationRecipient": "PROV",
        "taskContext.c.c": "PROBLISTREV",
        "knowledgeResponseType": "text/xml",
    }


@pytest.mark.parametrize(
    ("code", "expected"),
    [("M17.11", "osteoarthritis-pain"), ("M17", "osteoarthritis-pain"), ("M16.0", "osteoarthritis-pain")],
)
def test_icd10cm_matching_walks_up_the_hierarchy(ehr: TestClient, code: str, expected: str) -> None:
    data = _ask(ehr, **{"mainSearchCriteria.v.c": code, "mainSearchCriteria.v.cs": ICD10CM})
    assert data["feed"]["entry"][0]["link"][0]["href"].endswith(f"/{expected}.html")


def test_a_medication_code_finds_its_entry(ehr: TestClient) -> None:
    data = _ask(ehr, **{"mainSearchCriteria.v.c": "161", "mainSearchCriteria.v.cs": RXNORM})
    assert [e["title"]["_value"] for e in data["feed"]["entry"]] == ["Acetaminophen"]


def test_an_unknown_code_falls_back_to_the_display_name_then_the_original_text(ehr: TestClient) -> None:
    by_name = _ask(ehr, **{"mainSearchCriteria.v.c": "Z99.89", "mainSearchCriteria.v.dn": "knee arthritis"})
    assert by_name["feed"]["entry"][0]["title"]["_value"] == "Osteoarthritis pain"
    by_text = _ask(
        ehr,
        **{
            "mainSearchCriteria.v.c": "Z99.89",
            "mainSearchCriteria.v.cs": ICD10CM,
            "mainSearchCriteria.v.dn": "zzzqqq",
            "mainSearchCriteria.v.ot": "tylenol",
        },
    )
    assert by_text["feed"]["entry"][0]["title"]["_value"] == "Acetaminophen"


def test_a_code_in_an_unsupported_system_matches_nothing_and_says_so_in_an_empty_feed(ehr: TestClient) -> None:
    # ICD-9-CM's OID with an ICD-10 code (a mistake seen in public MedlinePlus clients): no code match
    data = _ask(ehr, **{"mainSearchCriteria.v.c": "M17.11", "mainSearchCriteria.v.cs": "2.16.840.1.113883.6.103"})
    assert data["feed"]["entry"] == [] and "0 found" in data["feed"]["subtitle"]["_value"]


def test_html_redirects_to_the_best_page_on_the_configured_site(ehr: TestClient) -> None:
    response = ehr.get(
        "/api/v1/infobutton",
        params={**KNEE, "informationRecipient": "PAT", "knowledgeResponseType": "text/html"},
        headers={"Host": "evil.example"},  # never used for links
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == SITE + "patients/osteoarthritis-pain.html"
    missing = ehr.get(
        "/api/v1/infobutton",
        params={"mainSearchCriteria.v.c": "Z99.89", "knowledgeResponseType": "text/html"},
        follow_redirects=False,
    )
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_another_language_gets_english_and_the_feed_says_so(ehr: TestClient) -> None:
    data = _ask(ehr, **KNEE, **{"informationRecipient.languageCode.c": "es"})
    assert data["feed"]["lang"] == "en" and "English only" in data["feed"]["subtitle"]["_value"]


def test_unknown_parameters_are_ignored(ehr: TestClient) -> None:
    data = _ask(ehr, **KNEE, **{"age.v.v": "67", "age.v.u": "a", "holder.assignedEntity.n": "x"})
    assert data["feed"]["entry"][0]["title"]["_value"] == "Osteoarthritis pain"


def test_jsonp_only_with_a_plain_identifier(ehr: TestClient) -> None:
    params = {**KNEE, "knowledgeResponseType": "application/javascript"}
    for name in ("showLinks", "jQuery36001234_1699999999", "$cb", "EHR_show_links"):
        ok = ehr.get("/api/v1/infobutton", params={**params, "callback": name})
        assert ok.status_code == 200 and ok.text.startswith(f"/**/{name}({{") and ok.text.endswith("});")
        assert ok.headers["content-type"].startswith("application/javascript")
        assert ok.headers["x-content-type-options"] == "nosniff"
        assert "<" not in ok.text
    for hostile in ("alert(1)//", "a;b", "x" * 65, "</script>", "a\n", "a\u2028", "é"):
        response = ehr.get("/api/v1/infobutton", params={**params, "callback": hostile})
        assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_request"
    assert ehr.get("/api/v1/infobutton", params=params).status_code == 400


@pytest.mark.parametrize(
    "name",
    # a same-origin script gadget under script-src 'self': each of these would act on the feed object
    [
        *("alert", "eval", "Function", "setTimeout", "setInterval", "open", "location", "postMessage", "define"),
        *("EHR.show_links", "location.assign", "document.write", "top.postMessage", "__md_set", "__proto__"),
    ],
)
def test_jsonp_refuses_browser_globals_and_dotted_names(ehr: TestClient, name: str) -> None:
    params = {**KNEE, "knowledgeResponseType": "application/javascript", "callback": name}
    response = ehr.get("/api/v1/infobutton", params=params)
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_request"
    assert "callback" in response.json()["error"]["message"]


@pytest.mark.parametrize("text", ["knee \ufffe pain", "knee \uffff", "\ufdd0knee", "knee\U0001fffe"])
@pytest.mark.parametrize("name", ["mainSearchCriteria.v.dn", "mainSearchCriteria.v.ot"])
def test_text_xml_cannot_carry_is_refused(ehr: TestClient, name: str, text: str) -> None:
    response = ehr.get("/api/v1/infobutton", params={name: text})
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_request"
    assert name in response.json()["error"]["message"]


def test_the_atom_feed_drops_what_xml_cannot_carry() -> None:
    """Belt and braces: an entry title with U+FFFF (content validation refuses it) still gives a feed."""
    entry = {"title": {"type": "text", "_value": "Knee\uffff pain\ufffe\x01"}, "link": [], "id": {"_value": "x"}}
    entry |= {"summary": {"type": "text", "_value": "a\ud800b"}, "updated": {"_value": "2024-01-01T00:00:00Z"}}
    text = {"type": "text", "_value": "PainGuide \uffff"}
    data = {"feed": {"base": SITE, "lang": "en", "title": text, "subtitle": text, "updated": {"_value": "x"}}}
    data["feed"] |= {"id": {"_value": "x"}, "author": {"name": text, "uri": {"_value": SITE}}, "entry": [entry]}
    data["feed"]["category"] = [{"scheme": "mainSearchCriteria.v.dn", "term": "knee\ufffe"}]
    root = ET.fromstring(infobutton.atom(data))  # expat: "not well-formed (invalid token)" before the fix
    assert root.findtext(f"{ATOM}entry/{ATOM}title") == "Knee pain"
    assert root.findtext(f"{ATOM}entry/{ATOM}summary") == "ab"
    assert root.find(f"{ATOM}category").get("term") == "knee"


@pytest.mark.parametrize(
    "params",
    [
        {"mainSearchCriteria.v.cs": "not-an-oid"},
        {"mainSearchCriteria.v.c": "M17.11' OR 1=1"},
        {"mainSearchCriteria.v.dn": "knee " * 100},
        {"mainSearchCriteria.v.ot": "knee\x00pain"},
        {"informationRecipient": "ROBOT"},
        {"knowledgeResponseType": "application/pdf"},
        {"taskContext.c.c": "<script>"},
    ],
)
def test_hostile_parameters_get_a_clear_4xx(ehr: TestClient, params: dict[str, str]) -> None:
    response = ehr.get("/api/v1/infobutton", params=params)
    assert response.status_code == 422
    assert response.json()["error"]["message"]


def test_no_concept_at_all_is_an_empty_feed(ehr: TestClient) -> None:
    assert _ask(ehr)["feed"]["entry"] == []


def test_responses_are_cached_per_release_with_an_etag(ehr: TestClient) -> None:
    first = ehr.get("/api/v1/infobutton", params=KNEE)
    again = ehr.get("/api/v1/infobutton", params=KNEE, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and first.headers["cache-control"] == "private, no-store"  # F13


def test_the_knowledge_resource_profile_follows_openinfobuttons_schema(ehr: TestClient) -> None:
    # The element order and the required parts of ResourceProfile-v2.8_LITE.xsd (OpenInfobutton).
    response = ehr.get("/api/v1/infobutton/profile.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == "knowledgeResourceProfile"
    header, definition = list(root)
    assert header.tag == "header" and int(header.get("id", "x")) >= 0
    assert [c.tag for c in header] == ["title", "profileDescription", "versionControl"]
    assert header.find("versionControl").get("publicationDate", "").endswith("T00:00:00")  # type: ignore[union-attr]
    assert definition.tag == "profileDefinition"
    assert definition.get("hl7URLCompliant") == "true" and definition.get("hl7KnowledgeResponseCompliant") == "true"
    assert [c.tag for c in definition] == ["authorizedOrganizations", "supportedTerminologies", "contexts"]
    assert all(o.get("id") for o in definition.iter("authorizedOrganization"))
    assert {t.get("id") for t in definition.iter("supportedTerminology")} == {ICD10CM, RXNORM}
    contexts = definition.findall("contexts/context")
    assert contexts
    for context in contexts:
        assert context.get("id") and context.get("name")
        spec = context.find("contextDefinition")
        assert spec is not None
        tags = [c.tag for c in spec]
        assert tags[0] == "task" and tags[-2:] == ["conceptOfInterest", "subTopics"]
        assert all(e.get("match") in {"true", "false"} for e in spec if e.tag != "subTopics")
        assert spec.find("subTopics/subTopic").get("linkName")  # type: ignore[union-attr]
        location = context.find("knowledgeRequestService/knowledgeRequestServiceLocation")
        assert location is not None and location.get("url") == SITE + "api/v1/infobutton?"
    json.dumps(ET.tostring(root).decode())  # well-formed and serializable


@pytest.mark.parametrize(
    ("code", "system", "expected"),
    [
        ("M17.11", ICD10CM, "osteoarthritis-pain"),  # knee, right: matched by M17
        ("M54.50", ICD10CM, "chronic-low-back-pain"),  # matched by M54.5
        ("E11.42", ICD10CM, "neuropathic-pain"),
        ("B02.29", ICD10CM, "neuropathic-pain"),  # postherpetic neuralgia, under B02.2
        ("G43.709", ICD10CM, "migraine-and-headache"),
        ("D57.00", ICD10CM, "sickle-cell-disease"),
        ("F11.20", ICD10CM, "medications-for-opioid-use-disorder"),
        ("G89.29", ICD10CM, "patient-centered-pain-care"),
        ("25480", RXNORM, "anticonvulsants"),  # gabapentin
        ("7242", RXNORM, "naloxone"),
    ],
)
def test_real_codes_reach_the_right_entries(real_client: TestClient, code: str, system: str, expected: str) -> None:
    params = {"mainSearchCriteria.v.c": code, "mainSearchCriteria.v.cs": system}
    response = real_client.get("/api/v1/infobutton", params={**params, "knowledgeResponseType": "application/json"})
    entries = response.json()["feed"]["entry"]
    assert entries and entries[0]["link"][0]["href"].endswith(f"/{expected}.html"), code
