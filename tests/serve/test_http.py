"""HTTP conventions: JSON errors, ETag/304, Cache-Control, gzip, CORS, the static site and its limits."""

from __future__ import annotations

import pytest


def test_etag_and_304(client):
    r = client.get("/api/v1/entries/acetaminophen")
    etag = r.headers["etag"]
    assert etag.startswith('W/"') and r.headers["cache-control"].startswith("public, max-age=")
    again = client.get("/api/v1/entries/acetaminophen", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    changed = client.get("/api/v1/entries/opioids", headers={"If-None-Match": etag})
    assert changed.status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/api/v1/search?q=tylenol", "/api/v1/modules", "/api/v1/modules/fixture-basics", "/api/v1/entries"],
)
def test_cacheable_resources_have_etags(client, path):
    assert "etag" in client.get(path).headers


def test_errors_are_not_cached(client):
    r = client.get("/api/v1/entries/nothing")
    assert "etag" not in r.headers


def test_gzip(client):
    r = client.get("/api/v1/export", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"


def test_cors_allows_get_from_any_origin_without_credentials(client):
    r = client.get("/api/v1/health", headers={"Origin": "https://portal.example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers
    pre = client.options(
        "/api/v1/search",
        headers={"Origin": "https://lms.example.org", "Access-Control-Request-Method": "POST"},
    )
    assert pre.status_code == 400


def test_unknown_api_path_is_json_404(client):
    r = client.get("/api/v2/nothing")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_wrong_method_is_json(client):
    r = client.post("/api/v1/entries")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"


def test_openapi_and_docs(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/search",
        "/api/v1/entries/{entry_id}",
        "/api/v1/modules",
        "/api/v1/export",
        "/api/v1/suggest",
        "/api/v1/entries/{entry_id}/related",
        "/api/v1/health",
    } <= set(spec["paths"])
    assert "SearchResults" in spec["components"]["schemas"]
    assert client.get("/api/docs").status_code == 200


def test_site_is_served_at_root(client):
    r = client.get("/")
    assert r.status_code == 200 and "PainGuide" in r.text
    assert client.get("/treatments/medications/acetaminophen.html").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/../../etc/passwd",
        "/..%2F..%2Fetc%2Fpasswd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/assets/../../../../etc/passwd",
        "/....//....//etc/passwd",
        "/%00",
        "/index.html%00.js",
        "//etc/passwd",
        "/\\..\\..\\etc\\passwd",
    ],
)
def test_path_traversal_is_refused(client, path):
    r = client.get(path)
    assert r.status_code in (400, 404)
    assert "root:" not in r.text


def test_missing_page_is_404(client):
    assert client.get("/no/such/page.html").status_code == 404


def test_not_built_is_503_json(tmp_path):
    from starlette.testclient import TestClient

    from painguide.serve.app import create_app
    from painguide.settings import Settings

    with TestClient(create_app(Settings(build_dir=tmp_path))) as c:
        r = c.get("/api/v1/health")
        assert r.status_code == 503 and r.json()["error"]["code"] == "not_built"
        assert c.get("/").status_code == 404


PAGE = "/treatments/medications/acetaminophen.html"


@pytest.mark.parametrize("value", ["bytes=abc", "bytes=100-50", "items=0-5", "bytes=", "bytes=0-1,x", "0-5"])
def test_an_invalid_range_is_ignored(client, built, value):
    whole = (built / "current" / "site" / PAGE.lstrip("/")).read_bytes()
    r = client.get(PAGE, headers={"Range": value, "Accept-Encoding": "identity"})
    assert r.status_code == 200 and r.content == whole, value


def test_a_valid_range_is_still_served(client, built):
    whole = (built / "current" / "site" / PAGE.lstrip("/")).read_bytes()
    r = client.get(PAGE, headers={"Range": "bytes=0-9", "Accept-Encoding": "identity"})
    assert r.status_code == 206 and r.content == whole[:10]
    assert client.get(PAGE, headers={"Range": f"bytes={len(whole) + 10}-"}).status_code == 416


def test_pages_come_from_memory_gzipped_once(built, monkeypatch):
    from starlette.testclient import TestClient

    from painguide.serve import site
    from painguide.serve.app import create_app
    from painguide.settings import Settings

    loads: list[str] = []
    original = site._load
    monkeypatch.setattr(site, "_load", lambda root, path: loads.append(path) or original(root, path))
    whole = (built / "current" / "site" / PAGE.lstrip("/")).read_bytes()
    with TestClient(create_app(Settings(build_dir=built))) as c:
        zipped = c.get(PAGE, headers={"Accept-Encoding": "gzip"})
        plain = c.get(PAGE, headers={"Accept-Encoding": "identity"})
        head = c.head(PAGE)
        again = c.get(PAGE, headers={"If-None-Match": zipped.headers["etag"]})
        other = c.get(PAGE, headers={"If-None-Match": '"other"'})
        index = c.get("/")
    assert loads == [PAGE, "/"]  # read once, then answered from memory
    assert zipped.headers["content-encoding"] == "gzip" and zipped.content == whole  # (httpx decodes it)
    assert int(zipped.headers["content-length"]) < len(whole) // 2
    assert plain.content == whole and "content-encoding" not in plain.headers
    assert "accept-encoding" in zipped.headers["vary"] and zipped.headers["etag"] != plain.headers["etag"]
    assert plain.headers["content-type"] == "text/html; charset=utf-8"
    assert plain.headers["cache-control"] == "public, max-age=60, must-revalidate"
    assert head.status_code == 200 and head.content == b"" and head.headers["content-length"]
    assert again.status_code == 304 and again.content == b"" and other.status_code == 200
    assert index.status_code == 200 and "PainGuide" in index.text
    assert "content-security-policy" in plain.headers and "content-security-policy" in again.headers
