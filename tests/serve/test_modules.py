from __future__ import annotations

import json

import pytest

from painguide import publish
from tests.helpers import assert_detail_has_every_stored_field

ADDED = {"url", "handout_url", "answers_url"}


def test_list_modules(client):
    body = client.get("/api/v1/modules").json()
    assert body["total"] == 1
    item = body["items"][0]
    assert item == {
        "id": "fixture-basics",
        "title": "Fixture basics of pain care",
        "audiences": ["clinicians", "pharmacists"],
        "duration_minutes": 30,
        "url": "/trainers/fixture-basics/index.html",
    }


def test_audience_filter(client):
    assert client.get("/api/v1/modules", params={"audience": "pharmacists"}).json()["total"] == 1
    assert client.get("/api/v1/modules", params={"audience": "front-desk-staff"}).json()["total"] == 0
    assert client.get("/api/v1/modules", params={"audience": "wizards"}).status_code == 422


def test_module_detail(client):
    body = client.get("/api/v1/modules/fixture-basics").json()
    assert len(body["objectives"]) == 3
    assert body["lessons"][0] == {"entry": "medications", "focus": "The two broad classes of pain medicines."}
    q = body["questions"][0]
    assert set(q) == {"prompt", "choices", "answer", "explanation", "entry"} and q["answer"] in q["choices"]
    assert body["handout_url"] == "/trainers/fixture-basics/handout.html"
    assert body["answers_url"] == "/trainers/fixture-basics/answers.html"


def test_module_detail_has_every_field_of_the_export_and_the_catalog(client, built):
    exported = client.get("/api/v1/export").json()["modules"]
    assert exported == json.loads((publish.current(built) / "catalog.json").read_text())["modules"]
    assert len(exported) == 1
    for module in exported:
        assert_detail_has_every_stored_field(client, f"/api/v1/modules/{module['id']}", module, ADDED)
    assert client.get("/api/v1/modules/fixture-basics").json()["type"] == "module"


def test_module_pages_are_served(client):
    for path in ("index", "handout", "answers"):
        r = client.get(f"/trainers/fixture-basics/{path}.html")
        assert r.status_code == 200 and "Fixture basics of pain care" in r.text


def test_unknown_module_404(client):
    assert client.get("/api/v1/modules/nothing-here").json()["error"]["code"] == "not_found"


def test_modules_are_searchable_by_type(client):
    body = client.get("/api/v1/search", params={"q": "multimodal plan", "type": "module"}).json()
    assert [r["id"] for r in body["results"]] == ["fixture-basics"]
    assert body["results"][0]["type"] == "module"


@pytest.mark.slow
def test_real_modules_all_served(real_client):
    body = real_client.get("/api/v1/modules").json()
    assert body["total"] >= 9
    for item in body["items"]:
        assert real_client.get(item["url"]).status_code == 200
        detail = real_client.get(f"/api/v1/modules/{item['id']}").json()
        assert len(detail["questions"]) >= 5 and len(detail["objectives"]) >= 3
    for module in real_client.get("/api/v1/export").json()["modules"]:
        assert_detail_has_every_stored_field(real_client, f"/api/v1/modules/{module['id']}", module, ADDED)
