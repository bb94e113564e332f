"""The markers tell the truth: a test that builds the real site (or stands on that build) is `slow`, a test that
drives Chromium is `browser`, whatever its author wrote, so `make test-fast` (-m "not slow and not browser")
never builds the real site. tests/conftest.py derives them from each test's fixtures, transitively."""

from __future__ import annotations

import re

import pytest

from tests.conftest import BROWSER_FIXTURES, SLOW_FIXTURES, derived_markers
from tests.helpers import ROOT


def test_every_collected_test_carries_the_markers_its_fixtures_imply(request):
    # every test of this run (with -m "not slow", the slow ones are already gone: then no remaining test may
    # use a slow fixture at all, which is the point of the quick subset)
    wrong = {}
    for item in request.session.items:
        have = {mark.name for mark in item.iter_markers()}
        missing = derived_markers(item.fixturenames) - have
        if missing:
            wrong[item.nodeid] = sorted(missing)
    assert not wrong, wrong


@pytest.mark.parametrize(
    ("fixtures", "expected"),
    [
        (["tmp_path", "built", "client", "real_catalog"], set()),  # the fixture build and the catalog are quick
        (["real_built"], {"slow"}),
        (["request", "real_client", "real_built"], {"slow"}),  # through another fixture: fixturenames is the closure
        (["hostile_build"], {"slow"}),
        (["real_strict"], {"slow"}),
        (["page", "browser", "live_server", "real_built"], {"slow", "browser"}),
        (["browser", "built"], {"browser"}),
    ],
)
def test_the_rule(fixtures, expected):
    assert derived_markers(fixtures) == expected


def test_the_derived_fixtures_exist():
    """A renamed fixture would silently drop out of the rule."""
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("*.py"))
    for name in SLOW_FIXTURES | BROWSER_FIXTURES:
        assert re.search(rf"@pytest\.fixture[^\n]*\ndef {name}\(", sources), name
