"""`make eval`: search quality of the API vs the static site's built-in lunr search, on one query set.

Builds the real corpus (guidelines/) into a temporary directory, runs every query of
tests/search_eval/queries.yaml through

* the API's search, in process: ``GET /api/v1/search?q=…&limit=10`` (no filters), and
* the site's own search: Material's lunr index from ``site/search/search_index.json``, rebuilt and
  queried the way Material's search worker does it, by ``node bench/lunr_eval.js``,

and prints MRR@10, recall@3, top-1 (expect[0] first) and n, overall and per query kind, side by side,
then the misses (no expected id in the top 3) of each. Metric definitions: painguide/search/quality.py.

    python bench/search_eval.py [--queries FILE] [--build DIR] [--no-lunr] [--json FILE]
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

LUNR_SCRIPT = ROOT / "bench" / "lunr_eval.js"


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


def lunr_rankings(
    site: Path, queries: list[evaluation.EvalQuery], pages: dict[str, str]
) -> tuple[dict[str, list[str]], str]:
    """Page ids per query from the site's lunr search, and how well the port matches Material's worker."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not installed (needed for the lunr side; use --no-lunr to skip it)")
    index = site / "search" / "search_index.json"
    if not index.exists():
        index = site / "search" / "search_index.js"
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        workers = sorted((site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
        request_data = {"index": str(index), "queries": [q.q for q in queries], "pages": pages}
        if workers:
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
    return {q: r["ids"] for q, r in answer["results"].items()}, agreement


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=Path, default=ROOT / "tests" / "search_eval" / "queries.yaml")
    parser.add_argument("--build", type=Path, help="reuse this build directory instead of a fresh temp build")
    parser.add_argument("--no-lunr", action="store_true", help="score the API only")
    parser.add_argument("--json", type=Path, help="also write the rankings and summaries here")
    args = parser.parse_args(argv)

    queries = evaluation.load_queries(args.queries)
    with tempfile.TemporaryDirectory(prefix="painguide-eval-") as tmp:
        out = args.build
        if out is None:
            out = Path(tmp)
            started = time.perf_counter()
            build.build(ROOT / "guidelines", out, ROOT / "mkdocs.yml")
            print(f"built the real corpus in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        rankings: dict[str, dict[str, list[str]]] = {}
        with TestClient(create_app(Settings(build_dir=out)), raise_server_exceptions=True) as client:
            known = set(page_ids(client).values())
            unknown = sorted({e for q in queries for e in q.expect} - known)
            if unknown:
                print(f"expected ids that are no entry or module: {unknown}", file=sys.stderr)
                return 2
            started = time.perf_counter()
            rankings["API (Whoosh)"] = api_rankings(client, queries)
            api_ms = (time.perf_counter() - started) / len(queries) * 1000
            if not args.no_lunr:
                rankings["site (lunr)"], agreement = lunr_rankings(out / "current" / "site", queries, page_ids(client))

    summaries = {name: evaluation.summarize(queries, r) for name, r in rankings.items()}
    source = args.queries.relative_to(ROOT) if args.queries.is_relative_to(ROOT) else args.queries
    print(f"{len(queries)} queries from {source}; API {api_ms:.1f} ms/query in process (uncached)")
    if not args.no_lunr:
        print(f"lunr side: Material's index rebuilt by bench/lunr_eval.js, {agreement}")
    print()
    print(evaluation.format_table(summaries))
    for name, r in rankings.items():
        found = evaluation.misses(queries, r)
        print(f"\n{name}: {len(found)} misses (no expected id in the top {evaluation.RECALL_AT})")
        print(evaluation.format_misses(found))
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
