"""`make eval`: search quality of the API, the header search box (served and offline) and Material's lunr.

Builds the real corpus (guidelines/) into a temporary directory, runs every query of
tests/search_eval/queries.yaml through

* the API's search, in process: ``GET /api/v1/search?q=…&limit=10`` (no filters);
* the header search box served: PainGuide's search worker (site/assets/javascripts/search-worker.js, the
  file the browser runs) in node, talking to the build served over HTTP as `painguide serve` serves it;
* the header search box offline: the same worker reading the site from disk (file://), so it answers
  with its offline engine (MiniSearch over search-docs.js);
* the old baseline: Material's lunr index (site/search/lunr_index.json), rebuilt and queried the way
  Material's search worker does it,

all four JS-side ones by ``node bench/lunr_eval.js``, and prints MRR@10, recall@3, top-1 (expect[0] first)
and n, overall and per query kind, side by side; then how often the served box shows the API's top 10 in
the API's order, whether every typo query finds its entry, and the misses (no expected id in the top 3)
of each. Metric definitions: painguide/search/quality.py.

With ``--golden FILE`` (`make golden`) it also re-records the golden file that pins both engines' rankings
(the API's and the box offline's top 3 per query, and MRR@10: tests/search/test_search_golden.py), printing
what changed against the file's old content: run it after a ranking change, and review that diff.

    python bench/search_eval.py [--queries FILE] [--content DIR | --build DIR] [--no-lunr] [--api-only]
                                [--json FILE] [--golden FILE]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from starlette.testclient import TestClient  # noqa: E402

from painguide import publish as build  # noqa: E402
from painguide.search import quality as evaluation  # noqa: E402
from painguide.serve.app import create_app  # noqa: E402
from painguide.settings import Settings  # noqa: E402
from tests.helpers import serving  # noqa: E402

LUNR_SCRIPT = ROOT / "bench" / "lunr_eval.js"
# The golden file's engines (tests/search_eval/golden.json) and their rankings' names here.
GOLDEN_ENGINES = {"api": "API", "offline": "box offline"}


def api_rankings(client: TestClient, queries: list[evaluation.EvalQuery]) -> dict[str, list[str]]:
    out = {}
    for q in queries:
        res = client.get("/api/v1/search", params={"q": q.q, "limit": evaluation.CUTOFF})
        res.raise_for_status()
        out[q.q] = [hit["id"] for hit in res.json()["results"]]
    return out


def page_ids(client: TestClient) -> dict[str, str]:
    """The site URL of every entry and module (from /api/v1/export) -> its id."""
    res = client.get("/api/v1/export")
    res.raise_for_status()
    data = res.json()
    return {item["url"]: item["id"] for item in [*data["entries"], *data["modules"]]}


def js_rankings(
    site: Path, queries: list[evaluation.EvalQuery], pages: dict[str, str], origin: str | None, *, lunr: bool
) -> tuple[dict[str, dict[str, list[str]]], dict[str, list[float]], str]:
    """Page ids per query and engine from node (lunr, header box served and offline), the box's times
    per query (ms, in node), and how well the lunr port matches Material's worker."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not installed (needed for the site's engines; use --api-only to skip them)")
    index = site / "search" / "lunr_index.json"  # Material's full index, kept beside the trimmed one
    if not index.exists():
        index = site / "search" / "search_index.json"
    modes = [{"name": "offline"}]
    if origin:
        modes.insert(0, {"name": "served", "origin": origin})
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        workers = sorted((site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
        request_data: dict[str, object] = {
            "index": str(index),
            "queries": [q.q for q in queries],
            "pages": pages,
            "box": {"site": str(site), "modes": modes},
        }
        if workers and lunr:
            request_data["worker"] = str(workers[0])
        json.dump(request_data, f)
        request = Path(f.name)
    try:
        done = subprocess.run(
            [node, str(LUNR_SCRIPT), str(request)], cwd=ROOT, capture_output=True, text=True, check=False
        )
    finally:
        request.unlink(missing_ok=True)
    if done.returncode:
        raise RuntimeError(f"lunr_eval.js failed ({done.returncode}):\n{done.stderr}")
    answer = json.loads(done.stdout)
    check = answer.get("worker")
    agreement = (
        f"identical to Material's own search worker on {check['same']}/{check['total']} queries (top-10 pages)"
        if check
        else "not checked against Material's worker (no worker bundle in the site)"
    )
    rankings: dict[str, dict[str, list[str]]] = {}
    times: dict[str, list[float]] = {}
    for name, box in answer["box"].items():
        expected_mode = "api" if name == "served" else "offline"
        if box["mode"] != expected_mode:
            raise RuntimeError(f"the {name} header box used its {box['mode']} engine, not {expected_mode}")
        rankings[f"box {name}"] = {q: r["ids"] for q, r in box["results"].items()}
        times[f"box {name}"] = box["ms"]
    if lunr:
        rankings["lunr (old box)"] = {q: r["ids"] for q, r in answer["results"].items()}
    return rankings, times, agreement


def same_order(a: dict[str, list[str]], b: dict[str, list[str]], queries: list[evaluation.EvalQuery]) -> int:
    """Queries whose first 10 ids are the same, in the same order, in both rankings."""
    return sum(a.get(q.q, [])[: evaluation.CUTOFF] == b.get(q.q, [])[: evaluation.CUTOFF] for q in queries)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def record_golden(path: Path, queries: list[evaluation.EvalQuery], rankings: dict[str, dict[str, list[str]]]) -> None:
    """Write the golden file (GOLDEN_ENGINES' rankings) and print what changed against its old content."""
    record = {key: evaluation.golden(queries, rankings[name]) for key, name in GOLDEN_ENGINES.items()}
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    changes = evaluation.golden_diff(old, record)
    print(f"\ngolden file {path}: {len(changes)} change(s)")
    for engine, entry in record.items():
        was = old.get(engine, {})
        metrics = ", ".join(f"{k} {was.get(k, float('nan')):.4f} -> {entry[k]:.4f}" for k in ("mrr", "recall", "top1"))
        print(f"  {engine}: {metrics}")
    for line in changes:
        print(f"  {line}")
    path.write_text(evaluation.format_golden(record), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=Path, default=ROOT / "tests" / "search_eval" / "queries.yaml")
    parser.add_argument("--content", type=Path, default=ROOT / "guidelines", help="content tree to build")
    parser.add_argument("--build", type=Path, help="reuse this build directory instead of a fresh temp build")
    parser.add_argument("--no-lunr", action="store_true", help="leave out Material's lunr (the old baseline)")
    parser.add_argument("--api-only", action="store_true", help="score the API only (no node)")
    parser.add_argument("--json", type=Path, help="also write the rankings and summaries here")
    parser.add_argument("--golden", type=Path, help="re-record this golden file (API and box offline), show the diff")
    args = parser.parse_args(argv)
    if args.golden and args.api_only:
        parser.error("--golden records the box offline too: drop --api-only")

    queries = evaluation.load_queries(args.queries)
    times: dict[str, list[float]] = {}
    agreement = ""
    with tempfile.TemporaryDirectory(prefix="painguide-eval-") as tmp:
        out = args.build
        if out is None:
            out = Path(tmp)
            started = time.perf_counter()
            build.build(args.content, out, ROOT / "mkdocs.yml")
            print(f"built {args.content} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        rankings: dict[str, dict[str, list[str]]] = {}
        with TestClient(create_app(Settings(build_dir=out)), raise_server_exceptions=True) as client:
            pages = page_ids(client)
            unknown = sorted({e for q in queries for e in q.expect} - set(pages.values()))
            if unknown:
                print(f"expected ids that are no entry or module: {unknown}", file=sys.stderr)
                return 2
            started = time.perf_counter()
            rankings["API"] = api_rankings(client, queries)
            api_ms = (time.perf_counter() - started) / len(queries) * 1000
        if not args.api_only:
            with serving(out) as origin:
                found, times, agreement = js_rankings(
                    out / "current" / "site", queries, pages, origin, lunr=not args.no_lunr
                )
            rankings.update(found)

    summaries = {name: evaluation.summarize(queries, r) for name, r in rankings.items()}
    source = args.queries.relative_to(ROOT) if args.queries.is_relative_to(ROOT) else args.queries
    print(f"{len(queries)} queries from {source}; API {api_ms:.1f} ms/query in process (uncached)")
    if agreement and not args.no_lunr:
        print(f"lunr: Material's index rebuilt by bench/lunr_eval.js, {agreement}")
    print()
    print(evaluation.format_table(summaries))
    print()
    if "box served" in rankings:
        same = same_order(rankings["API"], rankings["box served"], queries)
        print(
            f"box served shows the API's top 10 in the API's order: {same}/{len(queries)} ({same / len(queries):.1%})"
        )
    typos = [q for q in queries if q.kind == "typo"]
    for name, r in rankings.items():
        found_typos = sum(evaluation.first_relevant_rank(r.get(q.q, []), q.expect) is not None for q in typos)
        print(f"{name}: typo queries with an expected id in the top 10: {found_typos}/{len(typos)}")
    for name, ms in times.items():
        print(f"{name}: {_percentile(ms, 0.5):.1f} ms p50, {_percentile(ms, 0.95):.1f} ms p95 per query (node)")
    for name, r in rankings.items():
        missed = evaluation.misses(queries, r)
        print(f"\n{name}: {len(missed)} misses (no expected id in the top {evaluation.RECALL_AT})")
        print(evaluation.format_misses(missed))
    if args.golden:
        record_golden(args.golden, queries, rankings)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "rankings": rankings,
                    "summaries": {n: {k: vars(v) for k, v in s.items()} for n, s in summaries.items()},
                },
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
