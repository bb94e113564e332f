"""The header search box in Chromium: payload, time to the first result, and per-keystroke latency.

Builds the real corpus (or takes ``--build``), then measures, in Debian's Chromium through Playwright,
the box the way a reader uses it — Material's own input, our worker, Material's rendering:

* **payload**: what a page downloads for search, raw and gzip (-6): served, the worker plus Material's
  (now config-only) search_index.json; offline, also MiniSearch, the engine and search-docs.js; and the
  old box (Material's lunr worker and full index) for comparison;
* **first result**: from navigation start to the first result list for a query typed as soon as the
  page has loaded (median of ``--runs``);
* **per keystroke**: each query of tests/search_eval/queries.yaml typed one character at a time; for
  every keystroke, the time from the keyup to the rendered answer to that very prefix (the worker tags
  each answer with its query; a keystroke waits for its answer before the next one), p50 / p95 / max.

Variants: served (``painguide serve``'s app over HTTP: the API answers), offline (file://, MiniSearch),
offline on a synthetic 1k-entry corpus (bench/synth.py documents written as search-docs.js into a copy
of the site), and the old lunr box (a copy of the site with Material's worker and full index put back).

    python bench/search_browser.py [--build DIR] [--queries N] [--runs N]
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

from bench import synth  # noqa: E402
from painguide import search  # noqa: E402
from painguide.publish import build  # noqa: E402
from painguide.search import quality  # noqa: E402
from painguide.site import search_index  # noqa: E402
from tests.helpers import CHROMIUM, CHROMIUM_ARGS, serving  # noqa: E402

JS = "assets/javascripts"
WORKER = f"{JS}/search-worker.js"
OFFLINE_FILES = [f"{JS}/vendor/minisearch.js", f"{JS}/search-engine.js", f"{JS}/search-docs.js"]
SYNTH_SIZE = 1000
FIRST_QUERY = "tylenol"

# In the page: type `queries` into Material's box one key at a time; for each keystroke the ms from the
# keyup to the answer for that prefix (data-pg-query, set by painguide.js from the worker's reply).
KEYSTROKES_JS = """
async (queries) => {
  const input = document.querySelector(".md-search__input");
  const result = document.querySelector(".md-search-result");
  const answered = (q) => new Promise((resolve) => {
    if (result.getAttribute("data-pg-query") === q) return resolve();
    const obs = new MutationObserver(() => {
      if (result.getAttribute("data-pg-query") === q) { obs.disconnect(); resolve(); }
    });
    obs.observe(result, { attributes: true, attributeFilter: ["data-pg-query"] });
  });
  input.focus();
  const times = [];
  for (const q of queries) {
    for (let i = 1; i <= q.length; i++) {
      const prefix = q.slice(0, i);
      if (!prefix.trim() || prefix.endsWith(" ")) continue;
      input.value = prefix;
      const t0 = performance.now();
      input.dispatchEvent(new KeyboardEvent("keyup", { key: q[i - 1] }));
      await answered(prefix);
      times.push(performance.now() - t0);
    }
  }
  return times;
}
"""

# The old box renders no data-pg-query: wait for the list to change after each keyup instead.
LUNR_KEYSTROKES_JS = """
async (queries) => {
  const input = document.querySelector(".md-search__input");
  const list = document.querySelector(".md-search-result__list");
  const meta = document.querySelector(".md-search-result__meta");
  input.focus();
  const times = [];
  for (const q of queries) {
    for (let i = 1; i <= q.length; i++) {
      const prefix = q.slice(0, i);
      if (!prefix.trim() || prefix.endsWith(" ")) continue;
      input.value = prefix;
      const t0 = performance.now();
      const changed = new Promise((resolve) => {
        const obs = new MutationObserver(() => { obs.disconnect(); resolve(); });
        obs.observe(list, { childList: true });
        obs.observe(meta, { childList: true, characterData: true, subtree: true });
        setTimeout(() => { obs.disconnect(); resolve(); }, 2000);
      });
      input.dispatchEvent(new KeyboardEvent("keyup", { key: q[i - 1] }));
      await changed;
      times.push(performance.now() - t0);
    }
  }
  return times;
}
"""


# In the page's main thread: the offline engine alone (search-engine.js, as the worker runs it), every
# prefix of every query: the search, then the highlighting of the results the worker sends (20).
ENGINE_JS = """
(queries) => {
  const started = performance.now();
  const engine = PainGuideSearch.create(PG_SEARCH, MiniSearch);
  const setup = performance.now() - started;
  const times = [];
  for (const q of queries) {
    for (let i = 1; i <= q.length; i++) {
      const prefix = q.slice(0, i);
      if (!prefix.trim() || prefix.endsWith(" ")) continue;
      const t0 = performance.now();
      engine.search(prefix).slice(0, 20).forEach((r) => {
        engine.highlight(r.title, r.terms);
        engine.highlight(r.summary, r.terms);
      });
      times.push(performance.now() - t0);
    }
  }
  return { setup, times };
}
"""


def engine_times(browser: Browser, site: Path, queries: list[str]) -> tuple[float, list[float]]:
    """The offline engine's index setup (ms) and per-keystroke query times, in Chromium."""
    with opened(browser, (site / "index.html").as_uri()) as page:
        for name in OFFLINE_FILES[:1] + OFFLINE_FILES[2:] + OFFLINE_FILES[1:2]:  # MiniSearch, data, engine
            page.add_script_tag(path=str(site / name))
        answer = page.evaluate(ENGINE_JS, queries)
        return float(answer["setup"]), list(answer["times"])


def sizes(site: Path, files: list[str]) -> tuple[int, int]:
    raw = zipped = 0
    for name in files:
        data = (site / name).read_bytes()
        raw += len(data)
        zipped += len(gzip.compress(data, compresslevel=6))
    return raw, zipped


def lunr_worker(site: Path) -> str:
    return str(next((site / JS / "workers").glob("search.*.min.js")).relative_to(site))


def payloads(site: Path, synth_site: Path) -> list[tuple[str, int, int]]:
    served = [WORKER, "search/search_index.json"]
    offline = [WORKER, "search/search_index.js", *OFFLINE_FILES]
    return [
        ("box served (worker + Material's config)", *sizes(site, served)),
        ("box offline (+ MiniSearch, engine, docs)", *sizes(site, offline)),
        (f"box offline, synthetic {SYNTH_SIZE} entries", *sizes(synth_site, offline)),
        ("old box (Material's lunr worker + index)", *sizes(site, [lunr_worker(site), "search/lunr_index.json"])),
    ]


def synthetic_site(site: Path, into: Path, content: Path) -> Path:
    """A copy of the site whose search-docs.js holds SYNTH_SIZE synthetic entries (words from ``content``)."""
    target = into / "synth-site"
    shutil.copytree(site, target)
    vocab = synth.Vocabulary.from_guidelines(content)
    search_index.write_client_index(
        target,
        synth.documents(SYNTH_SIZE, vocab),
        synonyms=vocab.synonyms,
        stop_words=search.STOP_WORDS,
        boosts=search.BOOSTS,
        tuning=search.OFFLINE_TUNING,
        normalize=search.normalize,
    )
    return target


def lunr_site(site: Path, into: Path) -> Path:
    """A copy of the site with Material's lunr worker and full index put back (the box before issue 13)."""
    target = into / "lunr-site"
    shutil.copytree(site, target)
    full = (target / "search" / "lunr_index.json").read_text(encoding="utf-8")
    (target / "search" / "search_index.json").write_text(full, encoding="utf-8")
    (target / "search" / "search_index.js").write_text(f"var __index = {full}", encoding="utf-8")
    worker = lunr_worker(target)
    for page in target.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if WORKER in text:
            page.write_text(text.replace(WORKER, worker), encoding="utf-8")
    return target


@contextmanager
def opened(browser: Browser, url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        page.goto(url)
        yield page
    finally:
        context.close()


def first_result_ms(browser: Browser, url: str, *, tagged: bool) -> float:
    """Navigation start to the first rendered result for FIRST_QUERY, typed at the load event."""
    with opened(browser, url) as page:
        page.wait_for_load_state("load")
        page.locator(".md-search__input").click()
        page.locator(".md-search__input").fill(FIRST_QUERY)
        page.locator(".md-search__input").dispatch_event("keyup")
        ready = f'.md-search-result[data-pg-query="{FIRST_QUERY}"]' if tagged else ".md-search-result__item"
        page.locator(ready).first.wait_for()
        return float(page.evaluate("() => performance.now()"))


def keystrokes(browser: Browser, url: str, queries: list[str], *, tagged: bool) -> list[float]:
    with opened(browser, url) as page:
        page.wait_for_load_state("load")
        page.locator(".md-search__input").click()
        page.locator(".md-search__input").fill("pain")  # a first answer: the worker's setup is done
        page.locator(".md-search__input").dispatch_event("keyup")
        page.locator(".md-search-result__item").first.wait_for()
        times: list[float] = page.evaluate(KEYSTROKES_JS if tagged else LUNR_KEYSTROKES_JS, queries)
        return times


def _pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", type=Path, help="an existing build directory (default: build one now)")
    parser.add_argument("--content", type=Path, default=ROOT / "guidelines")
    parser.add_argument("--queries", type=int, default=60, help="queries of the eval set typed key by key")
    parser.add_argument("--runs", type=int, default=3, help="page loads per first-result measurement")
    args = parser.parse_args(argv)

    all_queries = [q.q for q in quality.load_queries(ROOT / "tests" / "search_eval" / "queries.yaml")]
    queries = all_queries[:: max(1, len(all_queries) // args.queries)][: args.queries]  # every kind
    with tempfile.TemporaryDirectory(prefix="painguide-box-") as tmp:
        out = args.build
        if out is None:
            out = Path(tmp) / "build"
            started = time.perf_counter()
            build(args.content, out, ROOT / "mkdocs.yml")
            print(f"built {args.content} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        site = (out / "current" / "site").resolve()
        synth_site = synthetic_site(site, Path(tmp), args.content)
        old_site = lunr_site(site, Path(tmp))

        print("search payload per page load (bytes)")
        print(f"| {'what':<44} | {'raw':>10} | {'gzip':>9} |")
        print(f"|{'-' * 46}|{'-' * 12}|{'-' * 11}|")
        for name, raw, zipped in payloads(site, synth_site):
            print(f"| {name:<44} | {raw:>10,} | {zipped:>9,} |")

        rows: list[tuple[str, float, list[float]]] = []
        with sync_playwright() as p, serving(out) as origin:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                variants = [
                    ("served (API)", f"{origin}/index.html", True),
                    ("offline, real corpus", (site / "index.html").as_uri(), True),
                    (f"offline, synthetic {SYNTH_SIZE}", (synth_site / "index.html").as_uri(), True),
                    ("old box (lunr), file://", (old_site / "index.html").as_uri(), False),
                ]
                for name, url, tagged in variants:
                    print(f"measuring {name} …", file=sys.stderr)
                    first = statistics.median(first_result_ms(browser, url, tagged=tagged) for _ in range(args.runs))
                    rows.append((name, first, keystrokes(browser, url, queries, tagged=tagged)))
                engines = [
                    ("offline, real corpus", *engine_times(browser, site, queries)),
                    (f"offline, synthetic {SYNTH_SIZE}", *engine_times(browser, synth_site, queries)),
                ]
            finally:
                browser.close()

    n = len(rows[0][2])
    print(f"\nChromium, {len(queries)} queries typed key by key ({n} keystrokes); first result: '{FIRST_QUERY}'")
    print("typed at the load event, median of", args.runs, "page loads")
    print(f"| {'box':<26} | {'first result ms':>15} | {'key p50 ms':>10} | {'key p95 ms':>10} | {'key max ms':>10} |")
    print(f"|{'-' * 28}|{'-' * 17}|{'-' * 12}|{'-' * 12}|{'-' * 12}|")
    for name, first, times in rows:
        print(
            f"| {name:<26} | {first:>15.0f} | {_pct(times, 0.5):>10.1f} | {_pct(times, 0.95):>10.1f} "
            f"| {max(times):>10.1f} |"
        )
    print("\nthe offline engine alone in Chromium (search + highlighting of 20 results), the same keystrokes")
    print(f"| {'engine':<26} | {'index setup ms':>15} | {'key p50 ms':>10} | {'key p95 ms':>10} | {'key max ms':>10} |")
    print(f"|{'-' * 28}|{'-' * 17}|{'-' * 12}|{'-' * 12}|{'-' * 12}|")
    for name, setup, times in engines:
        print(
            f"| {name:<26} | {setup:>15.0f} | {_pct(times, 0.5):>10.2f} | {_pct(times, 0.95):>10.2f} "
            f"| {max(times):>10.2f} |"
        )
    print("targets: offline query p95 < 20 ms on the real corpus; search payload <= 150 kB gzip")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
