from __future__ import annotations

import html
import json

import pytest
from starlette.testclient import TestClient

from painguide import publish
from painguide.serve.app import create_app
from painguide.settings import Settings
from tests.helpers import assert_detail_has_every_stored_field

# What the API adds to a stored entry (the export has `url` too; a component only for treatments).
ADDED = {"url", "patient_url", "component"}


def test_health(client):
    body = client.get("/api/v1/health").json()
    assert body["status"] == "ok" and body["entries"] == 14 and body["modules"] == 1


def test_list_entries_shape_and_paging(client):
    body = client.get("/api/v1/entries", params={"limit": 5}).json()
    assert body["total"] == 14
    assert len(body["items"]) == 5
    assert set(body["items"][0]) == {"id", "type", "title", "summary", "component", "url"}
    rest = client.get("/api/v1/entries", params={"limit": 100, "offset": 5}).json()
    ids = [i["id"] for i in body["items"]] + [i["id"] for i in rest["items"]]
    assert len(ids) == len(set(ids)) == 14


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "treatment"}, {"acetaminophen", "cognitive-behavioral-therapy", "opioids"}),
        ({"type": "treatment", "component": "medications"}, {"acetaminophen", "opioids"}),
        ({"component": "behavioral-health"}, {"behavioral-health", "cognitive-behavioral-therapy"}),
        ({"type": "data-element"}, {"peg-score"}),
        ({"audience": "patient", "type": "barrier"}, {"stigma"}),
    ],
)
def test_list_filters(client, params, expected):
    body = client.get("/api/v1/entries", params={**params, "limit": 100}).json()
    assert {i["id"] for i in body["items"]} == expected
    assert body["total"] == len(expected)


def test_team_questions_have_no_patient_layer(client):
    assert client.get("/api/v1/entries", params={"audience": "patient", "type": "team-question"}).json()["total"] == 0


def test_entry_detail_has_layers_and_url(client):
    body = client.get("/api/v1/entries/acetaminophen").json()
    assert body["component"] == "medications"
    assert body["url"] == "/treatments/medications/acetaminophen.html"
    assert body["patient_url"] == "/patients/acetaminophen.html"
    assert body["clinician"]["key_points"] and body["patient"]["what_it_is"] and body["trainer"]["learning_objectives"]
    assert body["sources"][0]["id"] == "seed-task-force-fast-facts"
    assert "Tylenol" in body["aliases"]


def test_entry_detail_for_data_element_has_measure(client):
    body = client.get("/api/v1/entries/peg-score").json()
    assert body["measure"]["scoring"] and body["patient"] is None and body["patient_url"] is None


def test_entry_detail_has_every_field_of_the_export_and_the_catalog(client, built):
    exported = client.get("/api/v1/export").json()["entries"]
    stored = json.loads((publish.current(built) / "catalog.json").read_text())["entries"]
    assert exported == stored and len(stored) == 14
    for entry in exported:
        assert_detail_has_every_stored_field(client, f"/api/v1/entries/{entry['id']}", entry, ADDED)


@pytest.mark.slow
def test_real_entry_details_have_every_stored_field_and_calculators(real_client, real_built):
    exported = real_client.get("/api/v1/export").json()["entries"]
    assert exported == json.loads((publish.current(real_built) / "catalog.json").read_text())["entries"]
    with_calculator = set()
    for entry in exported:
        detail = assert_detail_has_every_stored_field(real_client, f"/api/v1/entries/{entry['id']}", entry, ADDED)
        if detail.get("calculator"):
            with_calculator.add(entry["id"])
    # the hand-copied response model dropped these (F2 of architecture review 2)
    assert with_calculator >= {"morphine-equivalent-dose", "opioid-risk-tool", "peg-score", "phq-depression-screen"}
    mme = real_client.get("/api/v1/entries/morphine-equivalent-dose").json()["calculator"]
    assert mme["kind"] == "mme" and mme["title"] == "MME calculator"


def test_entry_detail_has_only_its_kinds_fields(client):
    # a discriminated union on `type`: a treatment has no `measure` key, a data element no `team`
    treatment = client.get("/api/v1/entries/acetaminophen").json()
    assert "measure" not in treatment and "team" not in treatment and "calculator" not in treatment
    element = client.get("/api/v1/entries/peg-score").json()
    assert "team" not in element and element["calculator"] is None and element["component"] is None


def test_unknown_entry_is_json_404(client):
    r = client.get("/api/v1/entries/unicorns")
    assert r.status_code == 404
    assert r.json() == {"error": {"code": "not_found", "message": "no entry 'unicorns'"}}


@pytest.mark.parametrize(("bad", "status"), [("UPPER", 422), ("a" * 81, 422), ("x y", 422), ("..%2F..%2Fetc", 404)])
def test_malformed_entry_id_is_a_json_error(client, bad, status):
    # an id that is not a slug is 422; an encoded path that leaves the route is no API endpoint at all (404)
    r = client.get(f"/api/v1/entries/{bad}")
    assert r.status_code == status
    assert r.json()["error"]["code"] == {422: "invalid_request", 404: "not_found"}[status]


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"type": "horoscope"}, {"limit": "x"}]
)
def test_list_bounds(client, params):
    r = client.get("/api/v1/entries", params=params)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_request"


def test_related_has_explicit_and_more_like_this(client):
    body = client.get("/api/v1/entries/acetaminophen/related").json()
    assert [e["id"] for e in body["related"]] == ["medications", "opioids"]
    alike = [e["id"] for e in body["more_like_this"]]
    assert alike and "acetaminophen" not in alike and not {"medications", "opioids"} & set(alike)


def test_export_is_the_whole_catalog(client):
    body = client.get("/api/v1/export").json()
    assert len(body["entries"]) == 14 and len(body["modules"]) == 1
    assert {s["id"] for s in body["sources"]} >= {"cdc-opioid-guideline-2022", "hhs-task-force-2019"}
    assert all(e["url"].endswith(".html") for e in body["entries"])


@pytest.mark.slow
def test_every_entry_url_serves_a_page_with_its_title(real_client, real_catalog):
    items: list[dict] = []
    while len(items) < len(real_catalog.entries):  # pages of at most 100 (the API's limit)
        page = real_client.get("/api/v1/entries", params={"limit": 100, "offset": len(items)}).json()
        assert page["total"] == len(real_catalog.entries) and page["items"]
        items += page["items"]
    assert len({i["id"] for i in items}) == len(real_catalog.entries)
    for item in items:
        page = real_client.get(item["url"])
        assert page.status_code == 200, item["url"]
        assert "<h1" in page.text and html.escape(item["title"], quote=False) in page.text, item["id"]
        detail = real_client.get(f"/api/v1/entries/{item['id']}").json()
        if detail["patient_url"]:
            assert real_client.get(detail["patient_url"]).status_code == 200


def test_a_component_entry_is_its_own_component_everywhere(client):
    listed = {
        e["id"]: e["component"] for e in client.get("/api/v1/entries", params={"type": "component"}).json()["items"]
    }
    assert listed and all(listed[cid] == cid for cid in listed)
    for cid in listed:
        assert client.get(f"/api/v1/entries/{cid}").json()["component"] == cid
        hits = client.get("/api/v1/search", params={"q": cid.replace("-", " "), "limit": 50}).json()["results"]
        assert all(h["component"] == cid for h in hits if h["id"] == cid)
    treatment = client.get("/api/v1/entries/acetaminophen").json()
    assert treatment["component"] == "medications"


def test_a_request_never_checks_markdown_again(built, monkeypatch):
    # the build checked every Markdown field; a request that re-validated the layers rendered ~46 of them
    def refuse(text: str) -> None:
        raise AssertionError("a request re-checked Markdown")

    monkeypatch.setattr("painguide.content.fields.markup.markdown_problem", refuse)
    with TestClient(create_app(Settings(build_dir=built, response_cache_size=0))) as fresh:
        for entry in fresh.get("/api/v1/export").json()["entries"]:
            assert fresh.get(f"/api/v1/entries/{entry['id']}").status_code == 200
        assert fresh.get("/api/v1/modules/fixture-basics").status_code == 200
