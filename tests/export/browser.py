"""Chromium for the export tests, in a thread of its own.

The session ``browser`` fixture (tests/conftest.py) keeps Playwright's event loop running in the main thread
until the session ends; started from these tests (which run before tests/serve and tests/site), it made
later tests that run asyncio in the main thread fail ("Already running asyncio in this thread"). A private
Playwright in a worker thread ends with the test and works whether or not the session one is running.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TypeVar

import pytest

from tests.helpers import CHROMIUM, CHROMIUM_ARGS

T = TypeVar("T")


def in_chromium(work: Callable[[object], T]) -> T:
    """Run ``work(browser)`` with Debian's Chromium; its exceptions (assertions) are raised here."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must run the browser tests (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); browser tests skipped")
    outcome: dict[str, object] = {}

    def target() -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as p:
                chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                try:
                    outcome["value"] = work(chromium)
                finally:
                    chromium.close()
        except BaseException as exc:  # handed to the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="export-chromium", daemon=True)
    thread.start()
    thread.join(timeout=180)
    assert not thread.is_alive(), "the browser test did not finish in 180 s"
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
