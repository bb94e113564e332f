"""One definition of the query-shaping weights (painguide/search/tuning.py) for both engines: the offline
engine's JavaScript holds no copy of one, and the build exports the very values the API ranks with."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from painguide import search
from painguide.content import kinds
from painguide.search import plan, ranking, tuning
from painguide.site import search_index
from tests.helpers import ROOT

JS = ROOT / "docs" / "assets" / "javascripts"
READERS = ("search-engine.js", "search-worker.js", "widget.js")  # the files that read tuning's OFFLINE
# What a copied weight or limit looks like in them: a value of OFFLINE that is not a small integer (the
# stemmer and the worker protocol are full of 0 to 7), a constant-like name given a number, a length
# compared with a number (the typo and prefix rules), a number in MiniSearch's weights or a maxLength.
_DISTINCT = sorted({repr(v).removesuffix(".0") for v in tuning.OFFLINE.values() if v >= 10 or v != int(v)})
COPIES = [
    r"(?<![\w.])(" + "|".join(map(re.escape, _DISTINCT)) + r")(?![\w.])",
    r"\b[A-Z][A-Z_]*(BOOST|MAX|LENGTH|WEIGHT)[A-Z_]*\s*=\s*[\d.]",
    r"term\.length\s*[<>]=?\s*\d",
    r"weights\s*:\s*\{[^}]*\d",
    r"maxLength\s*=\s*\d",
]


def _code(name: str) -> str:
    """A JS file without its comments (which may quote a measured weight)."""
    return re.sub(r"/\*.*?\*/|//[^\n]*", "", (JS / name).read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("name", READERS)
def test_the_javascript_holds_no_copy_of_a_weight_or_limit(name: str):
    code = _code(name)
    found = [m.group(0) for pattern in COPIES for m in re.finditer(pattern, code)]
    assert not found, f"{name} has its own copies {found}: read them from the exported tuning instead"


def test_the_copy_patterns_catch_the_copies_that_were_there():
    old = {
        "search-engine.js": "var SYNONYM_BOOST = 1.5, PAIR_BOOST = 1.0, NAME_BOOST = 3; if (term.length < 4) x;"
        " weights: { fuzzy: 1.0, prefix: 0.6 }",
        "search-worker.js": "var MAX_QUERY = 256;",
        "widget.js": "input.maxLength = 256;",
    }
    for name, code in old.items():
        assert any(re.search(p, code) for p in COPIES), name


def test_every_exported_value_is_read_by_the_javascript():
    code = "\n".join(_code(name) for name in READERS)
    unread = [key for key in tuning.OFFLINE if not re.search(rf"\.{key}\b", code)]
    assert not unread, f"exported in tuning.OFFLINE and read by no JS file: {unread}"


def test_shared_values_are_the_ones_the_api_uses():
    offline = search.OFFLINE_TUNING
    assert offline["maxQuery"] == kinds.MAX_QUERY_LENGTH == search.MAX_QUERY_LENGTH
    assert offline["synonymBoost"] == plan.SYNONYM_BOOST
    assert offline["typoMinLength"] == plan.TYPO_MIN_LENGTH
    assert search.BOOSTS is tuning.BOOSTS and ranking.COORD_FLOOR == tuning.COORD_FLOOR
    assert {f: search.SCHEMA[f].format.field_boost for f in search.BOOSTS} == search.BOOSTS


def _script_global(path: Path, name: str) -> dict:
    text = path.read_text(encoding="utf-8")
    prefix = f"globalThis.{name}="
    assert text.startswith(prefix) and text.endswith(";\n"), text[:80]
    return json.loads(text[len(prefix) : -2])


def test_the_build_exports_the_tuning_to_the_engine_the_worker_and_the_widget(built: Path):
    site = built / "current" / "site"
    index = _script_global(site / search_index.CLIENT_INDEX, search_index.GLOBAL)
    alone = _script_global(site / search_index.CLIENT_TUNING, search_index.TUNING_GLOBAL)
    assert index["tuning"] == alone == search.OFFLINE_TUNING
    # the worker and the widget load the small file from beside themselves
    for name in ("search-worker.js", "widget.js"):
        assert '"search-tuning.js"' in _code(name) and (site / "assets" / "javascripts" / name).is_file()
    assert Path(search_index.CLIENT_TUNING).parent == Path("assets/javascripts")
