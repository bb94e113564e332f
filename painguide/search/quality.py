"""Search quality metrics, shared by the test suite (tests/search/test_search_eval.py) and `make eval`.

Pure functions only: loading a query set (callers name the file: the project's lives in
tests/search_eval/queries.yaml), scoring one ranked list, summing up per query kind, and the golden
file that pins each engine's ranking (tests/search_eval/golden.json, re-recorded by `make golden`).

Definitions (a "ranking" is the list of ids a search engine returned, best first, at most 10 used):

* **relevant** — every id listed in a query's ``expect`` is a correct answer. ``expect`` is ordered
  best first and kept short: only pages a person typing the query would be glad to land on.
* **reciprocal rank @10** — ``1 / r``, where ``r`` is the 1-based rank of the *best-ranked* relevant
  id in the first 10 results; 0 when none of them is in the first 10. **MRR@10** is its mean.
* **recall@3** — the share of queries with at least one relevant id in the first 3 results.
* **top-1 strict** — the share of queries whose ``expect[0]`` is ranked first; reported, not gated.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

KINDS = ("lay", "brand", "abbreviation", "typo", "question", "clinical")
CUTOFF = 10  # MRR@10
RECALL_AT = 3  # recall@3
# The golden file holds each query's first GOLDEN_TOP ids and the overall metrics: a ranking change that
# reorders a top 3, or moves MRR@10 by more than MRR_TOLERANCE (ranks 4-10), is a diff to review.
GOLDEN_TOP = 3
MRR_TOLERANCE = 0.005


@dataclass(frozen=True)
class EvalQuery:
    q: str
    expect: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class Summary:
    n: int
    mrr: float
    recall: float
    top1: float


@dataclass(frozen=True)
class Miss:
    query: EvalQuery
    rank: int | None  # 1-based rank of the best-ranked relevant id within the cutoff, or None
    got: tuple[str, ...]  # the first results returned


def load_queries(path: Path) -> list[EvalQuery]:
    """Read and check the query set: each item needs ``q``, a non-empty ``expect`` and a known ``kind``."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = raw["queries"] if isinstance(raw, dict) else raw
    queries: list[EvalQuery] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        if not isinstance(item, dict) or set(item) != {"q", "expect", "kind"}:
            raise ValueError(f"query {i}: needs exactly the keys q, expect, kind: {item!r}")
        q, expect, kind = str(item["q"]).strip(), item["expect"], item["kind"]
        if not q:
            raise ValueError(f"query {i}: empty q")
        if kind not in KINDS:
            raise ValueError(f"query {i} ({q!r}): kind {kind!r} is not one of {KINDS}")
        if isinstance(expect, str):
            expect = [expect]
        if not expect or not all(isinstance(e, str) and e for e in expect) or len(set(expect)) != len(expect):
            raise ValueError(f"query {i} ({q!r}): expect must be a non-empty list of distinct ids")
        if q.lower() in seen:
            raise ValueError(f"query {i}: duplicate query {q!r}")
        seen.add(q.lower())
        queries.append(EvalQuery(q, tuple(expect), kind))
    return queries


def first_relevant_rank(ranking: Sequence[str], expect: Iterable[str], cutoff: int = CUTOFF) -> int | None:
    """1-based rank of the best-ranked relevant id within ``cutoff`` results, else None."""
    wanted = set(expect)
    for rank, doc_id in enumerate(ranking[:cutoff], start=1):
        if doc_id in wanted:
            return rank
    return None


def reciprocal_rank(ranking: Sequence[str], expect: Iterable[str], cutoff: int = CUTOFF) -> float:
    rank = first_relevant_rank(ranking, expect, cutoff)
    return 1.0 / rank if rank else 0.0


def recall_at(ranking: Sequence[str], expect: Iterable[str], k: int = RECALL_AT) -> bool:
    return first_relevant_rank(ranking, expect, k) is not None


def _summary(pairs: list[tuple[EvalQuery, Sequence[str]]]) -> Summary:
    n = len(pairs)
    if not n:
        return Summary(0, 0.0, 0.0, 0.0)
    return Summary(
        n=n,
        mrr=sum(reciprocal_rank(r, q.expect) for q, r in pairs) / n,
        recall=sum(recall_at(r, q.expect) for q, r in pairs) / n,
        top1=sum(bool(r) and r[0] == q.expect[0] for q, r in pairs) / n,
    )


def summarize(queries: Sequence[EvalQuery], rankings: Mapping[str, Sequence[str]]) -> dict[str, Summary]:
    """``{"overall": …, kind: …}`` for every kind present; ``rankings`` maps each query text to ids."""
    pairs = [(q, rankings.get(q.q, ())) for q in queries]
    out = {"overall": _summary(pairs)}
    for kind in KINDS:
        subset = [p for p in pairs if p[0].kind == kind]
        if subset:
            out[kind] = _summary(subset)
    return out


def misses(queries: Sequence[EvalQuery], rankings: Mapping[str, Sequence[str]], k: int = RECALL_AT) -> list[Miss]:
    """Queries with no relevant id in the first ``k`` results (rank within the cutoff, if any)."""
    out = []
    for q in queries:
        ranking = rankings.get(q.q, ())
        if not recall_at(ranking, q.expect, k):
            out.append(Miss(q, first_relevant_rank(ranking, q.expect), tuple(ranking[:5])))
    return out


def format_misses(found: Sequence[Miss]) -> str:
    lines = []
    for m in found:
        where = f"rank {m.rank}" if m.rank else "not in top 10"
        lines.append(f"  [{m.query.kind}] {m.query.q!r}: want {list(m.query.expect)}, {where}; got {list(m.got)}")
    return "\n".join(lines) or "  (none)"


def format_table(columns: Mapping[str, Mapping[str, Summary]]) -> str:
    """Side-by-side table, one row per kind, one column group (MRR@10, R@3, top-1, n) per engine."""
    names = list(columns)
    rows = ["overall", *[k for k in KINDS if any(k in c for c in columns.values())]]
    head = f"{'kind':<13}" + "".join(f"| {name:<27}" for name in names)
    sub = f"{'':<13}" + "".join(f"| {'MRR@10':>7} {'R@3':>6} {'top1':>6} {'n':>4} " for _ in names)
    lines = [head, sub, "-" * len(sub)]
    for row in rows:
        cells = []
        for name in names:
            s = columns[name].get(row)
            cells.append(f"| {s.mrr:7.3f} {s.recall:6.3f} {s.top1:6.3f} {s.n:4d} " if s else f"| {'-':>27}")
        lines.append(f"{row:<13}" + "".join(cells))
    return "\n".join(lines)


def golden(queries: Sequence[EvalQuery], rankings: Mapping[str, Sequence[str]]) -> dict[str, object]:
    """One engine's entry in the golden file: overall MRR@10, recall@3 and top-1, and each query's top 3."""
    overall = summarize(queries, rankings)["overall"]
    return {
        "mrr": round(overall.mrr, 4),
        "recall": round(overall.recall, 4),
        "top1": round(overall.top1, 4),
        "top": {q.q: list(rankings.get(q.q, ())[:GOLDEN_TOP]) for q in queries},
    }


def golden_diff(expected: Mapping[str, object], actual: Mapping[str, object]) -> list[str]:
    """What changed between two golden records (``{engine: golden(...)}``): every query whose top 3 differs,
    and MRR@10 when it moved by more than MRR_TOLERANCE. Empty when the rankings are the pinned ones."""
    lines = []
    for engine in dict.fromkeys([*expected, *actual]):
        old, new = expected.get(engine), actual.get(engine)
        if not isinstance(old, Mapping) or not isinstance(new, Mapping):
            lines.append(f"{engine}: {'not in the golden file yet' if old is None else 'not measured'}")
            continue
        if abs(float(old["mrr"]) - float(new["mrr"])) > MRR_TOLERANCE:
            lines.append(f"{engine}: MRR@10 {old['mrr']:.4f} -> {new['mrr']:.4f} (more than {MRR_TOLERANCE})")
        before, after = old["top"], new["top"]
        for q in dict.fromkeys([*before, *after]):
            if before.get(q) != after.get(q):
                lines.append(f"{engine}: {q!r}: {before.get(q)} -> {after.get(q)}")
    return lines


def format_golden(record: Mapping[str, Mapping[str, object]]) -> str:
    """The golden file's text: JSON with one line per query, so a ranking change is a one-line diff."""
    lines = ["{"]
    for i, (engine, entry) in enumerate(record.items()):
        lines.append(f"  {json.dumps(engine)}: {{")
        for key in ("mrr", "recall", "top1"):
            lines.append(f"    {json.dumps(key)}: {json.dumps(entry[key])},")
        top = entry["top"]
        assert isinstance(top, Mapping)
        lines.append('    "top": {')
        rows = [f"      {json.dumps(q)}: {json.dumps(ids)}" for q, ids in top.items()]
        lines.append(",\n".join(rows))
        lines.append("    }")
        lines.append("  }" + ("," if i < len(record) - 1 else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"
