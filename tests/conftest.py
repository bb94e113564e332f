"""One shared fixture data set (tests/data/guidelines), built once per session, and an in-process client.

Under pytest-xdist (`make test` runs `-n auto`) the builds are made once for the whole run, not once per
worker: the first worker to need one builds it under a file lock in the run's shared temporary directory and
the others reuse it (tests.helpers.shared_build). The builds are read-only to the tests.

Markers are derived, not hand-kept: a test that uses a real-corpus build, the server on it, the hostile (XSS)
build or the real strict validation is `slow`; a test that drives Chromium is `browser` (tests/test_markers.py
checks the rule), so `make test-fast` never builds the real site.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from painguide import publish
from painguide.content.catalog import Catalog
from painguide.content.validate import load
from painguide.serve.app import create_app
from painguide.settings import Settings
from tests.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    FIXTURE_CONTENT,
    MKDOCS,
    REAL_CONTENT,
    ROOT,
    serving,
    shared_build,
)

# Fixtures that build the real corpus (~15-60 s) or stand on that build: their tests are `slow`.
SLOW_FIXTURES = frozenset({"real_built", "real_client", "live_server", "hostile_build", "real_strict"})
# Fixtures that start Chromium: their tests are `browser`.
BROWSER_FIXTURES = frozenset({"browser", "page"})


def derived_markers(fixturenames: Iterable[str]) -> set[str]:
    """The markers a test must carry because of the fixtures it uses (directly or through other fixtures)."""
    names = set(fixturenames)
    return {mark for mark, uses in (("slow", SLOW_FIXTURES), ("browser", BROWSER_FIXTURES)) if names & uses}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects: the derived markers must count there
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        have = {mark.name for mark in item.iter_markers()}
        for name in sorted(derived_markers(getattr(item, "fixturenames", ())) - have):
            item.add_marker(name)


@pytest.fixture(scope="session")
def fixture_catalog() -> Catalog:
    return load(FIXTURE_CONTENT)


@pytest.fixture(scope="session")
def real_catalog() -> Catalog:
    return load(REAL_CONTENT)


@pytest.fixture(scope="session")
def real_strict(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, str]:
    """`painguide validate --strict` with no directory, from the repository, in-process and once per run, shared
    by the workers like the builds (it reads every patient layer with textstat: ~7 s of CPU): (exit code,
    stdout, stderr)."""
    import json

    result = shared_build(tmp_path_factory, "real-strict", _validate_strict) / "result.json"
    code, out, err = json.loads(result.read_text(encoding="utf-8"))
    return code, out, err


def _validate_strict(out_dir: Path) -> None:
    import contextlib
    import io
    import json

    from painguide.cli import main
    from painguide.settings import get_settings

    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        patch.chdir(ROOT)
        patch.delenv("PAINGUIDE_CONTENT_DIR", raising=False)
        get_settings.cache_clear()
        try:
            code = main(["validate", "--strict"])
        finally:
            get_settings.cache_clear()
    (out_dir / "result.json").write_text(json.dumps([code, out.getvalue(), err.getvalue()]), encoding="utf-8")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture content built once (site, index, catalog): the build directory."""
    return shared_build(tmp_path_factory, "fixture-build", lambda out: publish.build(FIXTURE_CONTENT, out, MKDOCS))


@pytest.fixture(scope="session")
def real_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real corpus built once: for search quality, browser and page tests."""
    return shared_build(tmp_path_factory, "real-build", lambda out: publish.build(REAL_CONTENT, out, MKDOCS))


@pytest.fixture(scope="session")
def client(built: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(build_dir=built)), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def real_client(real_built: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(build_dir=real_built)), raise_server_exceptions=False) as c:
        yield c


# --- Browser tests (tests/site/test_browser.py): the real build served by uvicorn, driven by Chromium ----


@pytest.fixture(scope="session")
def live_server(real_built: Path) -> Iterator[str]:
    """The real build served over HTTP (browser tests)."""
    with serving(real_built) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium through Playwright's sync API (never a downloaded browser)."""
    import asyncio
    import os

    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must run the browser tests (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); browser tests skipped")
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:  # pragma: no cover - only when a plugin runs tests inside an event loop
        pytest.fail("Playwright's sync API cannot run inside a running asyncio loop")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, live_server: str) -> Iterator[object]:
    """A fresh browser context (no storage shared between tests) and page; base URL = the live server."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
