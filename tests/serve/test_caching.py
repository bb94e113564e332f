"""api.caching: ETags, 304s, and responses kept per release (never stale, never errors, bounded)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from painguide import publish, search
from painguide.serve.app import create_app
from painguide.settings import Settings
from tests.helpers import MKDOCS, copy_content


@contextmanager
def counting_client(build_dir: Path, **settings: int) -> Iterator[tuple[TestClient, list[str]]]:
    """A private app whose searches are counted: a response from the cache searches nothing."""
    calls: list[str] = []
    original = search.SearchIndex.search
    original_cached = search.SearchIndex.cached

    def counted(self: search.SearchIndex, text: str, *args: object, **kwargs: object) -> search.Results:
        calls.append(text)
        return original(self, text, *args, **kwargs)

    def counted_hit(self: search.SearchIndex, text: str, *args: object, **kwargs: object) -> search.Results | None:
        # the route asks the results cache first (on the event loop): a hit is a search answered too
        found = original_cached(self, text, *args, **kwargs)
        if found is not None:
            calls.append(text)
        return found

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search.SearchIndex, "search", counted)
        patch.setattr(search.SearchIndex, "cached", counted_hit)
        app = create_app(Settings(build_dir=build_dir, **settings))
        with TestClient(app, raise_server_exceptions=False) as client:
            yield client, calls


def test_repeated_request_is_served_from_memory(built):
    with counting_client(built) as (client, calls):
        first = client.get("/api/v1/search?q=tylenol")
        again = client.get("/api/v1/search?q=tylenol")
        other = client.get("/api/v1/search?q=tylenol&limit=3")
    assert calls == ["tylenol", "tylenol"]  # the first and the one with other parameters
    assert again.status_code == 200 and again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["content-type"] == "application/json"
    assert again.headers["cache-control"] == first.headers["cache-control"]
    assert len(other.json()["results"]) <= 3


def test_304_from_memory(built):
    with counting_client(built) as (client, calls):
        etag = client.get("/api/v1/search?q=opioid").headers["etag"]
        r = client.get("/api/v1/search?q=opioid", headers={"If-None-Match": etag})
        fresh = client.get("/api/v1/search?q=opioid", headers={"If-None-Match": 'W/"other"'})
    assert r.status_code == 304 and r.content == b"" and r.headers["etag"] == etag
    assert "content-type" not in r.headers
    assert fresh.status_code == 200 and fresh.json()["results"]
    assert len(calls) == 1


def test_errors_are_never_kept(built):
    with counting_client(built) as (client, calls):
        for _ in range(2):
            assert client.get("/api/v1/search?q=").status_code == 422
            assert client.get("/api/v1/entries/nothing").status_code == 404
    assert calls == []


def test_health_is_never_kept(built):
    with counting_client(built) as (client, _):
        r = client.get("/api/v1/health")
    assert r.status_code == 200 and "etag" not in r.headers and r.headers["cache-control"] == "private, no-store"


INFOBUTTON = "/api/v1/infobutton?mainSearchCriteria.v.c=M17.11&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", INFOBUTTON),  # the URL names a patient's code
        ("GET", INFOBUTTON + "&knowledgeResponseType=application/json"),
        ("GET", "/api/v1/infobutton?mainSearchCriteria.v.c="),  # an error too
        ("GET", "/api/v1/health"),
        ("HEAD", "/api/v1/health"),
        ("GET", "/cds-services"),
        ("POST", "/cds-services/painguide-patient-view"),
    ],
)
def test_patient_context_is_private_no_store(client, method, path):
    r = client.request(method, path, json={} if method == "POST" else None)
    assert r.headers["cache-control"] == "private, no-store", (path, r.status_code)


def test_private_answers_keep_their_etag_and_304(built):
    with counting_client(built) as (client, _):
        first = client.get(INFOBUTTON)
        etag = first.headers["etag"]
        again = client.get(INFOBUTTON, headers={"If-None-Match": etag})  # from the server's memory
    assert first.status_code == 200 and again.status_code == 304
    assert again.headers["cache-control"] == "private, no-store" and again.headers["etag"] == etag


@pytest.mark.parametrize("path", ["/api/v1/entries/acetaminophen", "/api/v1/infobutton/profile.xml"])
def test_other_answers_stay_public(client, path):
    r = client.get(path)
    assert r.headers["cache-control"].startswith("public, max-age="), path
    assert client.get(path, headers={"If-None-Match": r.headers["etag"]}).status_code == 304


def test_bounded_and_can_be_turned_off(built):
    with counting_client(built, response_cache_size=2) as (client, calls):
        for q in ["pain", "opioid", "tylenol", "pain"]:
            client.get("/api/v1/search", params={"q": q})
    assert calls == ["pain", "opioid", "tylenol", "pain"]  # "pain" was the oldest of three
    with counting_client(built, response_cache_size=0) as (client, calls):
        for _ in range(3):
            assert client.get("/api/v1/search?q=pain").status_code == 200
    assert calls == ["pain"] * 3


def test_a_new_release_empties_the_cache(tmp_path):
    root = copy_content(tmp_path)
    out = tmp_path / "build"
    publish.build(root, out, MKDOCS)
    with counting_client(out) as (client, calls):
        before = client.get("/api/v1/entries/acetaminophen").json()
        client.get("/api/v1/search?q=tylenol")
        page = root / "treatments" / "acetaminophen.yaml"
        page.write_text(page.read_text().replace("title: Acetaminophen", "title: Acetaminophen (paracetamol)"))
        publish.build(root, out, MKDOCS)
        after = client.get("/api/v1/entries/acetaminophen").json()
        client.get("/api/v1/search?q=tylenol")
    assert before["title"] == "Acetaminophen"
    assert after["title"] == "Acetaminophen (paracetamol)"
    assert calls == ["tylenol", "tylenol"]
