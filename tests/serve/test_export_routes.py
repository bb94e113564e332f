"""LMS downloads over the API: the release's bytes, cached per release, JSON errors for unknown modules."""

from __future__ import annotations

import shutil

import pytest
from starlette.testclient import TestClient

from painguide import publish
from painguide.export import cartridge
from painguide.serve.app import create_app
from painguide.settings import Settings
from tests.export.cc import check
from tests.helpers import FIXTURE_CONTENT, MKDOCS

DOWNLOADS = [
    ("/api/v1/cartridge.imscc", "trainers/painguide-curriculum.imscc", "application/zip"),
    (
        "/api/v1/modules/fixture-basics/cartridge.imscc",
        "trainers/fixture-basics/fixture-basics.imscc",
        "application/zip",
    ),
    (
        "/api/v1/modules/fixture-basics/questions.gift",
        "trainers/fixture-basics/fixture-basics.gift",
        "text/plain; charset=utf-8",
    ),
]


@pytest.mark.parametrize(("path", "file", "media_type"), DOWNLOADS)
def test_downloads_serve_the_files_the_static_site_has(client, built, path, file, media_type):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    name = file.rsplit("/", 1)[-1]
    assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    assert response.content == (publish.current(built) / "site" / file).read_bytes()
    if name.endswith(".imscc"):
        check(response.content)


@pytest.mark.parametrize(("path", "file", "media_type"), DOWNLOADS)
def test_downloads_are_cached_per_release_with_an_etag(client, path, file, media_type):
    first = client.get(path)
    assert first.headers["cache-control"].startswith("public, max-age=")
    again = client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize("path", ["/api/v1/cartridge.imscc", "/trainers/painguide-curriculum.imscc"])
def test_a_cartridge_is_not_gzipped_again(client, path):
    response = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and "content-encoding" not in response.headers
    check(response.content)


def test_requests_never_rebuild_a_cartridge(built, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a request rebuilt a cartridge")

    monkeypatch.setattr(cartridge, "package", refuse)
    with TestClient(create_app(Settings(build_dir=built, response_cache_size=0)), raise_server_exceptions=True) as c:
        for path, _, _ in DOWNLOADS:
            assert c.get(path).status_code == 200


@pytest.mark.parametrize(
    "path", ["/api/v1/modules/no-such-module/cartridge.imscc", "/api/v1/modules/no-such-module/questions.gift"]
)
def test_an_unknown_module_is_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "no module 'no-such-module'"}}


def test_a_malformed_module_id_is_a_json_422(client):
    response = client.get("/api/v1/modules/Not_A_Slug/cartridge.imscc")
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_request"


@pytest.mark.slow
def test_a_release_without_downloads_answers_503_not_500(tmp_path):
    release = publish.build(FIXTURE_CONTENT, tmp_path / "build", MKDOCS, site=False)
    shutil.rmtree(release / publish.DOWNLOADS)
    with TestClient(create_app(Settings(build_dir=tmp_path / "build")), raise_server_exceptions=False) as c:
        response = c.get("/api/v1/cartridge.imscc")
        assert response.status_code == 503
        assert "painguide build" in response.json()["error"]["message"]
        assert c.get("/api/v1/modules/fixture-basics").status_code == 200  # the rest of the API still answers


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/cartridge.imscc", "/api/v1/modules/{module_id}/cartridge.imscc"} <= set(paths)
    gift = paths["/api/v1/modules/{module_id}/questions.gift"]["get"]["responses"]
    assert "text/plain" in gift["200"]["content"] and "404" in gift


@pytest.mark.browser
def test_a_trainer_downloads_the_cartridge_from_the_module_page_in_a_browser(built, tmp_path):
    from tests.export.browser import in_chromium
    from tests.helpers import serving

    def download(browser):
        context = browser.new_context(base_url=base, accept_downloads=True)
        context.set_default_timeout(10_000)
        context.route("**/search/search_index.json", lambda route: route.abort())
        try:
            page = context.new_page()
            page.goto("/trainers/fixture-basics/index.html")
            with page.expect_download() as started:
                page.get_by_role("link", name="Common Cartridge (.imscc)").first.click()
            saved = tmp_path / started.value.suggested_filename
            started.value.save_as(saved)
            return saved
        finally:
            context.close()

    with serving(built) as base:
        saved = in_chromium(download)
    assert saved.name == "fixture-basics.imscc"
    check(saved.read_bytes())
