"""Security headers, HTTP hygiene and faults: what a hostile client or an unlucky operator meets."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import socket
import time
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from painguide import publish
from painguide.serve import release
from painguide.serve.app import create_app
from painguide.settings import Settings
from tests.helpers import MKDOCS, copy_content, read_until_closed, serving

PAGE = "/treatments/medications/acetaminophen.html"
INLINE = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL)


def _csp(response: httpx.Response) -> dict[str, list[str]]:
    out = {}
    for part in response.headers["content-security-policy"].split(";"):
        name, *values = part.split()
        out[name] = values
    return out


@pytest.mark.parametrize("path", [PAGE, "/index.html", "/api/v1/health", "/api/v1/entries", "/nowhere", "/api/docs"])
def test_security_headers_on_every_response(client, path):
    r = client.get(path)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in r.headers["permissions-policy"]
    csp = _csp(r)
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] in (["'self'"], ["'none'"])
    assert "'unsafe-inline'" not in csp.get("script-src", [])


def test_page_csp_allows_exactly_the_inline_scripts_the_page_has(client):
    r = client.get(PAGE)
    csp = _csp(r)
    assert csp["object-src"] == ["'none'"]
    allowed = set(csp["script-src"])
    for match in INLINE.finditer(r.text):
        if "src=" in match["attrs"] or "application/json" in match["attrs"]:
            continue
        digest = base64.b64encode(hashlib.sha256(match["body"].encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed
    assert "'self'" in allowed and not any(s.startswith("http") for s in allowed)


def test_api_responses_allow_nothing(client):
    assert _csp(client.get("/api/v1/entries"))["default-src"] == ["'none'"]
    # CDS Hooks is JSON too (it got the page policy: architecture review 2, F9)
    assert _csp(client.get("/cds-services"))["default-src"] == ["'none'"]
    assert _csp(client.get("/api/v1/openapi.json"))["default-src"] == ["'none'"]
    assert "script-src" in _csp(client.get("/api/docs"))  # the docs page runs Swagger UI


def test_frame_ancestors_is_configurable(built):
    app = create_app(Settings(build_dir=built, frame_ancestors=["'self'", "https://portal.example.org"]))
    with TestClient(app) as c:
        assert _csp(c.get("/index.html"))["frame-ancestors"] == ["'self'", "https://portal.example.org"]


def test_no_generator_banner_in_pages(client):
    html = client.get("/index.html").text
    assert 'name="generator"' not in html


def test_api_docs_load_nothing_from_elsewhere(client):
    html = client.get("/api/docs").text
    assert "cdn" not in html and "https://" not in html and "http://" not in html
    for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
        r = client.get(ref)
        assert r.status_code == 200 and len(r.content) > 100, ref


def test_head_on_api_routes(client):
    for path in ("/api/v1/health", "/api/v1/entries", "/api/v1/search?q=tylenol"):
        get, head = client.get(path), client.head(path)
        assert head.status_code == 200 and head.content == b"", path
        assert head.headers["content-type"] == get.headers["content-type"]


@pytest.mark.parametrize(
    ("header", "status"),
    [
        ("*", 304),
        ("{etag}", 304),
        ('"other", {etag}', 304),
        ("W/{bare}", 304),
        ("garbage{etag}garbage", 200),
        ("", 200),
    ],
)
def test_if_none_match_is_parsed_as_a_list(client, header, status):
    etag = client.get("/api/v1/entries/acetaminophen").headers["etag"]
    value = header.format(etag=etag, bare=etag.removeprefix("W/"))
    r = client.get("/api/v1/entries/acetaminophen", headers={"If-None-Match": value} if value else {})
    assert r.status_code == status, value


@pytest.mark.parametrize(
    ("header", "gzipped"),
    [
        ("gzip", True),
        ("GZIP", True),
        ("gzip;q=0", False),
        ("notgzip", False),
        ("*", True),
        ("br", False),
        ("identity, gzip;q=0.5", True),
        ("*;q=0", False),
        ("gzip;q=abc", False),
    ],
)
def test_accept_encoding_is_parsed(client, header, gzipped):
    r = client.get("/api/v1/entries", headers={"Accept-Encoding": header})
    assert (r.headers.get("content-encoding") == "gzip") is gzipped, header


def test_export_is_compressed_once_and_equal(client):
    plain = client.get("/api/v1/export", headers={"Accept-Encoding": "identity"})
    zipped = client.get("/api/v1/export", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert json.loads(zipped.content) == json.loads(plain.content)  # httpx decodes the gzip body


def test_directory_redirects_are_relative(client):
    r = client.get("/treatments", headers={"Host": "evil.example"}, follow_redirects=False)
    assert r.status_code in (301, 307) and r.headers["location"] == "treatments/"


def test_static_cache_control(client):
    html = client.get("/index.html")
    bundle = re.search(r'src="(assets/javascripts/bundle\.[0-9a-f]{8}\.min\.js)"', html.text)
    assert html.headers["cache-control"] == "public, max-age=60, must-revalidate"
    assert bundle, "Material's hashed bundle is referenced from the page"
    assert "immutable" in client.get("/" + bundle.group(1)).headers["cache-control"]
    assert "immutable" not in client.get("/assets/javascripts/painguide.js").headers["cache-control"]


# --- faults ------------------------------------------------------------------------------------------------


def _fresh(tmp_path: Path) -> Path:
    out = tmp_path / "build"
    publish.build(copy_content(tmp_path), out, MKDOCS, site=True)
    return out


def _corrupt_index(out: Path) -> None:
    for path in (publish.current(out) / "index").glob("*.pst"):
        path.write_bytes(b"")


@pytest.mark.slow
def test_corrupt_index_cold_pages_stay_up_and_health_is_degraded(tmp_path):
    out = _fresh(tmp_path)
    _corrupt_index(out)
    with TestClient(create_app(Settings(build_dir=out)), raise_server_exceptions=False) as c:
        assert c.get("/index.html").status_code == 200
        assert c.get(PAGE).status_code == 200
        health = c.get("/api/v1/health")
        assert health.status_code == 503
        body = health.json()
        assert body["status"] == "degraded" and "search index" in body["problems"][0]
        assert c.get("/api/v1/entries/acetaminophen").status_code == 200  # the catalog is fine
        search = c.get("/api/v1/search?q=tylenol")
        assert search.status_code == 503 and search.json()["error"]["code"] == "degraded"


@pytest.mark.slow
def test_corrupt_index_warm_turns_health_degraded(tmp_path, monkeypatch):
    from painguide.serve import monitor

    monkeypatch.setattr(monitor, "TTL", 0.0)
    out = _fresh(tmp_path)
    with TestClient(create_app(Settings(build_dir=out)), raise_server_exceptions=False) as c:
        assert c.get("/api/v1/health").json()["status"] == "ok"
        _corrupt_index(out)
        deadline = time.monotonic() + 5  # a stale result is served while the check runs in the background
        while (health := c.get("/api/v1/health")).status_code == 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert health.status_code == 503 and health.json()["status"] == "degraded"
        assert c.get("/index.html").status_code == 200
        search = c.get("/api/v1/search?q=opioid+safety")  # not cached: it has to read the index
        assert search.status_code == 503 and search.json()["error"]["code"] == "degraded"


@pytest.mark.slow
def test_corrupt_catalog_is_remembered_not_reloaded_per_request(tmp_path, monkeypatch):
    out = _fresh(tmp_path)
    catalog = publish.current(out) / "catalog.json"
    catalog.write_bytes(catalog.read_bytes()[:1000])
    opened = []
    original = release.Release.__init__

    def counting(self: release.Release, *args: object, **kwargs: object) -> None:
        opened.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(release.Release, "__init__", counting)
    with TestClient(create_app(Settings(build_dir=out)), raise_server_exceptions=False) as c:
        for _ in range(5):
            r = c.get("/api/v1/entries")
            assert r.status_code == 503 and r.json()["error"]["code"] == "degraded"
        assert c.get("/api/v1/health").status_code == 503
        assert c.get("/index.html").status_code == 200
    assert len(opened) == 1


def test_busy_pool_sheds_load_with_503():
    import anyio

    from painguide.serve.workers import Busy, CpuPool

    pool = CpuPool(threads=1, queue=2)
    results: list[str] = []

    async def main() -> None:
        async def one() -> None:
            try:
                await pool.run(time.sleep, 0.2)
                results.append("done")
            except Busy:
                results.append("busy")

        async with anyio.create_task_group() as tg:
            for _ in range(4):
                tg.start_soon(one)

    anyio.run(main)
    assert sorted(results) == ["busy", "busy", "done", "done"]


# --- the real server (uvicorn with `painguide serve`'s options) --------------------------------------------


def _raw(port: int, data: bytes, wait: float = 1.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=wait + 5) as s:
        s.sendall(data)
        return read_until_closed(s, wait)


@pytest.mark.slow
def test_server_bounds_request_heads_and_sends_no_banner(built):
    with serving(built) as base:
        port = int(base.rsplit(":", 1)[1])
        r = httpx.get(base + "/api/v1/health")
        assert "server" not in r.headers
        huge = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (1024 * 1024) + b"\r\n\r\n"
        answer = _raw(port, huge)
        assert answer.startswith(b"HTTP/1.1 4"), answer[:80]


@pytest.mark.slow
def test_slow_request_head_is_cut_off(built):
    with serving(built, head_timeout=1.0) as base:
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(b"GET /api/v1/health HTTP/1.1\r\n")
            started = time.monotonic()
            s.settimeout(8)
            assert s.recv(100) == b""  # closed by the server
            assert time.monotonic() - started < 5


@pytest.mark.slow
def test_build_lock_and_stale_staging(tmp_path):
    import fcntl

    root = copy_content(tmp_path)
    out = tmp_path / "build"
    first = publish.build(root, out, MKDOCS, site=False)
    (out / ".staging-killed").mkdir()
    (out / ".staging-killed" / "junk").write_text("x")
    publish.build(root, out, MKDOCS, site=False)
    assert not list(out.glob(".staging-*")), "a killed build's staging is cleaned by the next build"
    with open(out / publish.LOCK_FILE, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(publish.BuildLocked):
            publish.build(root, out, MKDOCS, site=False)
    assert publish.current(out) is not None and first.parent == out / publish.RELEASES


def test_prune_never_removes_what_current_points_to(tmp_path):
    out = tmp_path / "build"
    releases = out / publish.RELEASES
    for name in ("a", "b", "c", "d", "e"):
        (releases / name).mkdir(parents=True)
    (out / publish.CURRENT).symlink_to(Path(publish.RELEASES) / "a")  # an older release is current
    publish._prune(releases, keep="e")
    assert (releases / "a").is_dir() and (releases / "e").is_dir()
    shutil.rmtree(out)


def test_current_as_a_symlink_loop_is_503_everywhere(tmp_path):
    out = tmp_path / "build"
    out.mkdir()
    (out / publish.CURRENT).symlink_to(publish.CURRENT)  # build/current -> current
    with TestClient(create_app(Settings(build_dir=out)), raise_server_exceptions=False) as c:
        health = c.get("/api/v1/health")
        assert health.status_code == 503 and health.json()["status"] == "degraded", health.text
        for path in ("/", "/index.html", PAGE, "/api/v1/entries", "/api/v1/search?q=pain"):
            r = c.get(path)
            assert r.status_code == 503 and r.json()["error"]["code"] == "degraded", (path, r.text)
