"""Both engines' rankings pinned: the top 3 of every query of tests/search_eval/queries.yaml and MRR@10, for
the API and the header box offline (MiniSearch), as recorded in tests/search_eval/golden.json.

A change to a weight, a rule or the content that reorders any query's top 3, or moves MRR@10 by more than
``quality.MRR_TOLERANCE``, fails here with the diff. After reviewing it, `make golden` re-records the file
(and prints the same diff for the commit message). The MRR floors stay in test_search_eval.py.
"""

from __future__ import annotations

import json

import pytest

from painguide.search import quality as evaluation
from tests.helpers import ROOT

GOLDEN = ROOT / "tests" / "search_eval" / "golden.json"
QUERIES = evaluation.load_queries(ROOT / "tests" / "search_eval" / "queries.yaml")


def test_golden_diff_reports_a_reordered_top_3_and_a_moved_mrr():
    q = [evaluation.EvalQuery("one", ("a",), "lay"), evaluation.EvalQuery("two", ("b",), "lay")]
    pinned = {"api": evaluation.golden(q, {"one": ["a", "x", "y"], "two": ["b"]})}
    assert evaluation.golden_diff(pinned, pinned) == []
    assert (
        evaluation.golden_diff(pinned, {"api": evaluation.golden(q, {"one": ["a", "x", "y", "z"], "two": ["b"]})}) == []
    )
    swapped = {"api": evaluation.golden(q, {"one": ["a", "y", "x"], "two": ["b"]})}
    assert evaluation.golden_diff(pinned, swapped) == ["api: 'one': ['a', 'x', 'y'] -> ['a', 'y', 'x']"]
    moved = dict(pinned["api"], mrr=pinned["api"]["mrr"] - 2 * evaluation.MRR_TOLERANCE)
    assert evaluation.golden_diff(pinned, {"api": moved})[0].startswith("api: MRR@10 1.0000 -> 0.9900")
    assert evaluation.golden_diff(pinned, {}) == ["api: not measured"]
    text = evaluation.format_golden(pinned)
    assert json.loads(text) == pinned and '"one": ["a", "x", "y"]' in text.splitlines()[6]


def test_golden_file_covers_every_query_of_the_set():
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert set(golden) == {"api", "offline"}
    for engine, entry in golden.items():
        assert list(entry["top"]) == [q.q for q in QUERIES], f"{engine}: re-record with `make golden`"


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["api", "offline"])
def test_ranking_is_the_golden_one(engine: str, api_rankings, box_rankings):
    rankings = api_rankings if engine == "api" else box_rankings["offline"]
    pinned = {engine: json.loads(GOLDEN.read_text(encoding="utf-8"))[engine]}
    changes = evaluation.golden_diff(pinned, {engine: evaluation.golden(QUERIES, rankings)})
    assert not changes, (
        f"{engine}: the ranking is not the one pinned in {GOLDEN.relative_to(ROOT)} ({len(changes)} change(s)); "
        "if the change is meant, review it and re-record with `make golden`:\n" + "\n".join(changes[:40])
    )
