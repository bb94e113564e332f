"""The real corpus's rankings of tests/search_eval/queries.yaml, measured once a session: the API's, and the
header box's in node (bench/lunr_eval.js runs the site's own worker), served and offline. Read by the quality
gates (test_search_eval.py) and the golden file (test_search_golden.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from painguide.search import quality as evaluation
from tests.helpers import ROOT, run_header_box, serving

QUERIES = evaluation.load_queries(ROOT / "tests" / "search_eval" / "queries.yaml")


@pytest.fixture(scope="session")
def api_rankings(real_client: TestClient) -> dict[str, list[str]]:
    rankings = {}
    for q in QUERIES:
        res = real_client.get("/api/v1/search", params={"q": q.q, "limit": evaluation.CUTOFF})
        assert res.status_code == 200, (q.q, res.text)
        rankings[q.q] = [hit["id"] for hit in res.json()["results"]]
    return rankings


@pytest.fixture(scope="session")
def box_rankings(real_built: Path, real_client: TestClient) -> dict[str, dict[str, list[str]]]:
    """The header box's worker (the file the browser runs) in node: ``served`` by the real build over HTTP
    (the API's ranking), and ``offline`` from disk (MiniSearch)."""
    node = shutil.which("node")
    assert node, "node is needed for the header box's evaluation (bench/lunr_eval.js)"
    exported = real_client.get("/api/v1/export").json()
    pages = {item["url"]: item["id"] for item in [*exported["entries"], *exported["modules"]]}
    site = real_built / "current" / "site"
    with serving(real_built) as origin:
        request = {
            "queries": [q.q for q in QUERIES],
            "pages": pages,
            "box": {"site": str(site), "modes": [{"name": "served", "origin": origin}, {"name": "offline"}]},
        }
        box = run_header_box(node, request)
    assert (box["served"]["mode"], box["offline"]["mode"]) == ("api", "offline")
    return {name: {q: r["ids"] for q, r in found["results"].items()} for name, found in box.items()}
