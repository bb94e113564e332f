"""Helpers shared by the tests and the benchmarks (bench/): paths, a private copy of a content tree, and one
background server that runs the app the way `painguide serve` does."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
FIXTURE_CONTENT = DATA / "guidelines"
REAL_CONTENT = ROOT / "guidelines"
MKDOCS = ROOT / "mkdocs.yml"

CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium as root in a closed network: without the background-networking flags it keeps trying
# (and failing) to reach Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def copy_content(tmp: Path, source: Path = FIXTURE_CONTENT) -> Path:
    """A private, editable copy of a content tree (tests break copies, never the fixtures)."""
    target = tmp / "guidelines"
    shutil.copytree(source, target)
    return target


@contextmanager
def serving(build_dir: Path, **settings: object) -> Iterator[str]:
    """A build served over HTTP by uvicorn in a background thread, with `painguide serve`'s options (h11,
    bounded request heads, no banner): yields the base URL."""
    import uvicorn

    from painguide.serve import server as options
    from painguide.serve.app import create_app
    from painguide.settings import Settings

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # a free port, held until uvicorn takes the socket over
    port = sock.getsockname()[1]
    chosen = Settings(build_dir=build_dir, **settings)
    app = create_app(chosen)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **options.options(chosen))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("the uvicorn test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def shared_build(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], object]) -> Path:
    """A directory made once per test run by ``make(path)``: per process without pytest-xdist; with it, by the
    first worker that asks, under a file lock in the directory all workers share (the pattern pytest-xdist
    documents), the others waiting and then reusing it. Two workers building the real corpus at once cost
    ~2 x 15 s of CPU on a 2-CPU machine for nothing."""
    from filelock import FileLock

    if not os.environ.get("PYTEST_XDIST_WORKER"):
        out = tmp_path_factory.mktemp(name)
        make(out)
        return out
    root = tmp_path_factory.getbasetemp().parent  # pytest-of-user/pytest-N: the run's, shared by its workers
    out, done = root / name, root / f"{name}.done"
    with FileLock(str(root / f"{name}.lock")):
        if not done.exists():
            if out.exists():  # a worker that failed half-way: start again
                shutil.rmtree(out)
            out.mkdir()
            make(out)
            done.touch()
    return out


def _without_nulls(value: object) -> object:
    """As the export writes it: empty optional fields left out, at every depth."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def assert_detail_has_every_stored_field(client: Any, url: str, stored: dict[str, Any], added: set[str]) -> dict:
    """The API's detail at ``url`` carries every stored field of ``stored`` with the same value, and nothing
    beyond them but ``added`` (the API's own fields) and nulls (the export leaves out empty fields)."""
    detail: dict[str, Any] = client.get(url).json()
    missing = {k for k in stored if k not in detail}
    assert not missing, f"{stored['id']}: the API drops {sorted(missing)}"
    assert {k: _without_nulls(detail[k]) for k in stored} == stored, stored["id"]
    assert {k for k, v in detail.items() if v is not None} - set(stored) <= added, stored["id"]
    return detail


def read_until_closed(sock: socket.socket, wait: float = 3.0) -> bytes:
    """Everything a raw socket receives until the server closes it, or until ``wait`` seconds pass without a
    byte (a reset counts as closed)."""
    sock.settimeout(wait)
    chunks = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except (TimeoutError, ConnectionResetError):
        pass
    return b"".join(chunks)


def run_header_box(node: str, request: dict[str, Any]) -> dict[str, Any]:
    """The header search box's own worker run in node by bench/lunr_eval.js on ``request`` (queries, pages and
    the box's modes): its ``box`` answer, by mode."""
    import json
    import subprocess

    done = subprocess.run(
        [node, str(ROOT / "bench" / "lunr_eval.js"), "/dev/stdin"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    box: dict[str, Any] = json.loads(done.stdout)["box"]
    return box
