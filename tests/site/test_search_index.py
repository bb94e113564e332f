"""The header box's data (painguide/site/search_index.py): the offline index and Material's trimmed one.

The browser side is tests/site/test_search_box.py; the quality gates are tests/search/test_search_eval.py.
Here: the file is data only and safe inside a script, holds what the API's index holds, and the offline
engine (the site's own search-engine.js, run in node) answers from it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from painguide import search
from painguide.site import search_index
from tests.helpers import ROOT, run_header_box, serving

JS = ROOT / "docs" / "assets" / "javascripts"


def read_client_index(site: Path) -> dict:
    text = (site / search_index.CLIENT_INDEX).read_text(encoding="utf-8")
    prefix = f"globalThis.{search_index.GLOBAL}="
    assert text.startswith(prefix) and text.endswith(";\n"), text[:80]
    return json.loads(text[len(prefix) : -2])


def test_script_json_cannot_end_the_script_or_break_a_line():
    hostile = 'x</script><script>alert(1)</script><!-- \u2028\u2029 & "'
    out = search_index.script_json({"t": hostile})
    assert "<" not in out and ">" not in out and "&" not in out
    assert "\u2028" not in out and "\u2029" not in out
    assert json.loads(out) == {"t": hostile}


def test_client_index_holds_the_api_documents_and_weights(built, fixture_catalog):
    data = read_client_index(built / "current" / "site")
    ids = {d["id"] for d in data["docs"]}
    assert ids == set(fixture_catalog.entries) | set(fixture_catalog.modules)
    assert data["boost"] == {("text" if k == "body" else k): v for k, v in search.BOOSTS.items()}
    assert set(data["stopWords"]) == set(search.STOP_WORDS)
    assert data["synonyms"] == [sorted(g) for g in search.synonym_groups(fixture_catalog)]
    doc = next(d for d in data["docs"] if d["id"] == "acetaminophen")
    assert doc["url"] == "treatments/medications/acetaminophen.html"  # relative: file:// and any prefix
    assert doc["title"] == fixture_catalog.entries["acetaminophen"].title
    words = doc["text"].split()
    assert words == sorted(set(words)) and not set(words) & search.STOP_WORDS


def test_material_index_keeps_only_its_config(built):
    search_dir = built / "current" / "site" / "search"
    trimmed = json.loads((search_dir / "search_index.json").read_text(encoding="utf-8"))
    assert trimmed["docs"] == [] and trimmed["config"]["separator"]
    full = json.loads((search_dir / "lunr_index.json").read_text(encoding="utf-8"))
    assert any(d["location"] == "treatments/medications/acetaminophen.html" for d in full["docs"])
    # the offline plugin inlined the trimmed one (it runs after the painguide plugin's trim)
    assert len((search_dir / "search_index.js").read_text(encoding="utf-8")) < 1000


def test_site_ships_the_worker_engine_and_minisearch_with_its_licence(built):
    site = built / "current" / "site"
    for name in ("search-worker.js", "search-engine.js", "vendor/minisearch.js", "vendor/minisearch.LICENSE.txt"):
        assert (site / "assets" / "javascripts" / name).is_file(), name
    config = re.search(
        r'<script id="__config" type="application/json">(.*?)</script>', (site / "index.html").read_text()
    )
    assert config and json.loads(config.group(1))["search"] == "assets/javascripts/search-worker.js"


def test_vendored_minisearch_is_the_npm_version():
    installed = json.loads((ROOT / "node_modules" / "minisearch" / "package.json").read_text())["version"]
    header = (JS / "vendor" / "minisearch.js").read_text(encoding="utf-8")[:200]
    assert f"MiniSearch {installed} " in header
    assert "minisearch" in json.loads((ROOT / "package.json").read_text())["devDependencies"]


@pytest.mark.parametrize(
    ("query", "first"),
    [("acetaminophn", "acetaminophen"), ("tylenol", "acetaminophen"), ("acetamin", "acetaminophen")],
)
def test_offline_engine_answers_from_the_built_index(built, query: str, first: str):
    node = shutil.which("node")
    assert node, "node is needed to run the site's search engine"
    site = built / "current" / "site" / "assets" / "javascripts"
    script = f"""
      const fs = require("fs"), vm = require("vm"), ctx = {{}};
      vm.createContext(ctx);
      for (const f of ["vendor/minisearch.js", "search-docs.js", "search-engine.js"])
        vm.runInContext(fs.readFileSync({json.dumps(str(site))} + "/" + f, "utf8"), ctx);
      const engine = ctx.PainGuideSearch.create(ctx.PG_SEARCH, ctx.MiniSearch);
      process.stdout.write(JSON.stringify(engine.search({json.dumps(query)}).map(r => r.id)));
    """
    done = subprocess.run([node, "-e", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[:1] == [first]


def test_worker_cuts_a_long_query_to_the_exported_limit(built, client):
    """The worker reads the API's query limit from search-tuning.js (it holds no copy): served, a query past
    it is cut and answered, not sent whole and refused (HTTP 422, which the box shows as no results)."""
    node = shutil.which("node")
    assert node, "node is needed to run the site's search worker"
    limit = search.OFFLINE_TUNING["maxQuery"]
    query = ("tylenol " * limit)[: limit + 40]
    assert client.get("/api/v1/search", params={"q": query}).status_code == 422
    exported = client.get("/api/v1/export").json()
    pages = {item["url"]: item["id"] for item in [*exported["entries"], *exported["modules"]]}
    site = str(built / "current" / "site")
    with serving(built) as origin:
        request = {
            "queries": [query],
            "pages": pages,
            "box": {"site": site, "modes": [{"name": "served", "origin": origin}]},
        }
        box = run_header_box(node, request)["served"]
    assert box["mode"] == "api" and box["results"][query]["ids"][:1] == ["acetaminophen"]
