"""Requests keep succeeding while `painguide build` swaps a new release in under a running server."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from painguide import publish
from tests.helpers import MKDOCS, copy_content, serving

PATHS = [
    "/api/v1/search?q=tylenol",
    "/api/v1/search?q=pain&type=treatment",
    "/api/v1/entries/acetaminophen",
    "/api/v1/health",
    "/api/v1/suggest?q=op",
    "/index.html",
    "/treatments/medications/acetaminophen.html",
]


@pytest.mark.slow
@pytest.mark.serial  # failed 1 run in 3 beside a second pytest-xdist worker (load average 10)
def test_concurrent_requests_during_rebuilds(tmp_path):
    root = copy_content(tmp_path)
    out = tmp_path / "build"
    publish.build(root, out, MKDOCS)
    failures: list[str] = []
    releases: set[str] = set()
    done = threading.Event()
    count = 0

    def hammer() -> None:
        nonlocal count
        with httpx.Client(base_url=base_url, timeout=10) as c:
            while not done.is_set():
                for path in PATHS:
                    r = c.get(path)
                    count += 1
                    if r.status_code != 200:
                        failures.append(f"{path}: {r.status_code} {r.text[:200]}")
                    elif path.endswith("health"):
                        releases.add(r.json()["release"])

    with serving(out) as base_url:
        workers = [threading.Thread(target=hammer) for _ in range(4)]
        for w in workers:
            w.start()
        try:
            for _ in range(3):
                publish.build(root, out, MKDOCS)
        finally:
            time.sleep(0.3)
            done.set()
            for w in workers:
                w.join()
    assert not failures, failures[:5]
    assert len(releases) >= 2, "the server never saw a new release"
    assert count > 50
