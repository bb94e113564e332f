"""One shared fixture data set (tests/data/guidelines), built once per session, and an in-process client."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from painguide import build
from painguide.catalog import Catalog, load
from painguide.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
FIXTURE_CONTENT = DATA / "guidelines"
REAL_CONTENT = ROOT / "guidelines"
MKDOCS = ROOT / "mkdocs.yml"


def copy_content(tmp: Path, source: Path = FIXTURE_CONTENT) -> Path:
    """A private, editable copy of a content tree (tests break copies, never the fixtures)."""
    target = tmp / "guidelines"
    shutil.copytree(source, target)
    return target


@pytest.fixture(scope="session")
def fixture_catalog() -> Catalog:
    return load(FIXTURE_CONTENT)


@pytest.fixture(scope="session")
def real_catalog() -> Catalog:
    return load(REAL_CONTENT)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture content built once (site, index, catalog): the build directory."""
    out = tmp_path_factory.mktemp("fixture-build")
    build.build(FIXTURE_CONTENT, out, MKDOCS)
    return out


@pytest.fixture(scope="session")
def real_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real corpus built once: for search quality, browser and page tests."""
    out = tmp_path_factory.mktemp("real-build")
    build.build(REAL_CONTENT, out, MKDOCS)
    return out


@pytest.fixture(scope="session")
def client(built: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(build_dir=built)), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def real_client(real_built: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(build_dir=real_built)), raise_server_exceptions=False) as c:
        yield c


# --- Browser tests (tests/test_browser.py): the real build served by uvicorn, driven by Chromium ----

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def serving(build_dir: Path) -> Iterator[str]:
    """A build served over HTTP by uvicorn in a background thread: yields the base URL."""
    import socket
    import threading
    import time

    import uvicorn

    from api import server as options

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # a free port, held until uvicorn takes the socket over
    port = sock.getsockname()[1]
    config = uvicorn.Config(  # the options `painguide serve` uses (h11, bounded heads, no banner)
        create_app(Settings(build_dir=build_dir)), host="127.0.0.1", port=port, log_level="warning", **options.OPTIONS
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            pytest.fail("the uvicorn test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


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
