"""Search quality gate: the API's ranking on tests/search_eval/queries.yaml (real corpus).

Metrics (painguide/search/quality.py): MRR@10 counts the best-ranked of a query's expected ids (every id in
``expect`` is a correct answer); recall@3 is the share of queries with an expected id in the top 3.
`make eval` prints the same numbers per query kind, next to the static site's lunr search.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from painguide.search import quality as evaluation

MIN_MRR = 0.85
MIN_RECALL_AT_3 = 0.90
QUERIES = evaluation.load_queries(Path(__file__).resolve().parent.parent / "search_eval" / "queries.yaml")


@pytest.mark.slow
def test_query_set_is_broad_and_valid(real_catalog):
    assert len(QUERIES) >= 70
    kinds = {q.kind for q in QUERIES}
    assert kinds == set(evaluation.KINDS)
    known = set(real_catalog.entries) | set(real_catalog.modules)
    unknown = sorted({(q.q, e) for q in QUERIES for e in q.expect if e not in known})
    assert not unknown, f"expected ids that are no entry or module: {unknown}"


@pytest.mark.slow
def test_api_search_quality(real_client, capsys):
    rankings = {}
    for q in QUERIES:
        res = real_client.get("/api/v1/search", params={"q": q.q, "limit": evaluation.CUTOFF})
        assert res.status_code == 200, (q.q, res.text)
        rankings[q.q] = [hit["id"] for hit in res.json()["results"]]
    summary = evaluation.summarize(QUERIES, rankings)
    missed = evaluation.misses(QUERIES, rankings)
    report = (
        f"{evaluation.format_table({'API': summary})}\n"
        f"misses (no expected id in the top {evaluation.RECALL_AT}):\n{evaluation.format_misses(missed)}"
    )
    with capsys.disabled():
        print(f"\n{report}")
    overall = summary["overall"]
    assert overall.mrr >= MIN_MRR, f"MRR@10 {overall.mrr:.3f} < {MIN_MRR}\n{report}"
    assert overall.recall >= MIN_RECALL_AT_3, f"recall@3 {overall.recall:.3f} < {MIN_RECALL_AT_3}\n{report}"


def test_metrics_definitions():
    assert evaluation.reciprocal_rank(["a", "b", "c"], ["c", "b"]) == 0.5  # best-ranked expected id
    assert evaluation.reciprocal_rank(["x"] * 10 + ["a"], ["a"]) == 0.0  # beyond the cutoff
    assert evaluation.recall_at(["x", "y", "a"], ["a"]) and not evaluation.recall_at(["x", "y", "z", "a"], ["a"])
    q = [evaluation.EvalQuery("one", ("a",), "lay"), evaluation.EvalQuery("two", ("b", "c"), "typo")]
    s = evaluation.summarize(q, {"one": ["a"], "two": ["x", "c"]})
    assert (s["overall"].n, s["overall"].mrr, s["overall"].recall, s["overall"].top1) == (2, 0.75, 1.0, 0.5)
    assert s["typo"].mrr == 0.5 and "brand" not in s
    assert [m.query.q for m in evaluation.misses(q, {"one": [], "two": ["c"]})] == ["one"]
