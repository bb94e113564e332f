"""The header search box in a real browser: Material's dialog driven by PainGuide's search worker.

Served (the real build under uvicorn, as `painguide serve` serves it) the box shows the API's ranking;
opened from disk (file://) it answers with the offline engine (MiniSearch over search-docs.js). Both are
typed into as a reader types, one key at a time, and the first result is checked for a handful of
queries of each kind, typos included. `make eval` scores the whole query set; this checks the browser
really runs that code. Fixtures: tests/conftest.py (``live_server``, ``browser``, ``page``, ``real_built``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from painguide import search, urls
from tests.site.test_browser import axe_violations, describe

pytestmark = pytest.mark.browser

# (query, the entry whose page must come first): a few of every kind of tests/search_eval/queries.yaml,
# and the four typos of issue 13 that Material's lunr search did not find at all.
FIRST_RESULT = [
    ("pain contract", "patient-agreement"),  # lay
    ("back cracking", "spinal-manipulation"),
    ("Tylenol", "acetaminophen"),  # brand
    ("Advil", "nsaids"),
    ("CBT", "cognitive-behavioral-therapy"),  # abbreviation
    ("MME", "morphine-equivalent-dose"),
    ("acupunture", "acupuncture"),  # typo
    ("nueromodulation", "neuromodulation"),
    ("acetaminophn", "acetaminophen"),
    ("chiropracter", "spinal-manipulation"),
    ("how do I taper off opioids safely", "opioid-tapering"),  # question
    ("can yoga help back pain", "yoga"),
    ("medial branch block", "nerve-blocks"),  # clinical
    ("depression screening questionnaire", "phq-depression-screen"),
]


def type_query(page: Page, query: str) -> None:
    """Type into the header box key by key (Material searches on every keyup) and wait for the answer to
    the whole query: the worker marks which query a result list answers (data-pg-query)."""
    box = page.locator(".md-search__input")
    box.click()
    box.fill("")
    box.press_sequentially(query, delay=15)
    expect(page.locator(f'.md-search-result[data-pg-query="{query}"]')).to_have_count(1)


def first_href(page: Page) -> str:
    return page.locator(".md-search-result__item a.md-search-result__link").first.get_attribute("href") or ""


def entry_path(catalog, entry_id: str) -> str:
    return urls.url(urls.entry_page(catalog.entries[entry_id])).lstrip("/")


@pytest.fixture(scope="module")
def offline_page(browser: Browser, real_built: Path) -> Iterator[Page]:
    """The real build opened from disk: no server, so the worker must use its offline engine."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    page.goto((real_built / "current" / "site" / "index.html").resolve().as_uri())
    try:
        yield page
        assert outside == [], f"the offline site requested the network: {outside}"
    finally:
        context.close()


@pytest.fixture(scope="module")
def served_page(browser: Browser, live_server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    api: list[str] = []
    page.on("request", lambda r: api.append(r.url) if "/api/v1/search?" in r.url else None)
    page.goto("/index.html")
    try:
        yield page
        assert api, "the served header box never asked the API"
    finally:
        context.close()


@pytest.mark.parametrize(("query", "entry_id"), FIRST_RESULT)
def test_served_box_puts_the_entry_first(served_page: Page, real_catalog, query: str, entry_id: str):
    type_query(served_page, query)
    assert re.search(re.escape(entry_path(real_catalog, entry_id)) + r"(\?|$)", first_href(served_page)), (
        f"{query!r}: first result {first_href(served_page)}, want {entry_id}"
    )


@pytest.mark.parametrize(("query", "entry_id"), FIRST_RESULT)
def test_offline_box_puts_the_entry_first(offline_page: Page, real_catalog, query: str, entry_id: str):
    type_query(offline_page, query)
    assert re.search(re.escape(entry_path(real_catalog, entry_id)) + r"(\?|$)", first_href(offline_page)), (
        f"{query!r}: first result {first_href(offline_page)}, want {entry_id}"
    )


def test_served_box_shows_the_api_order(served_page: Page, real_catalog, live_server: str):
    """Every result of the API, in the API's order, in Material's result markup."""
    query = "opioid"
    answer = served_page.request.get(f"{live_server}/api/v1/search", params={"q": query, "limit": 10}).json()
    type_query(served_page, query)
    links = served_page.locator(".md-search-result__item a.md-search-result__link")
    shown = [(links.nth(i).get_attribute("href") or "").split("?")[0] for i in range(10)]
    assert shown == [f"{live_server}{hit['url']}" for hit in answer["results"]]


def test_served_box_says_did_you_mean(served_page: Page, live_server: str):
    query = "acupunture"
    answer = served_page.request.get(f"{live_server}/api/v1/search", params={"q": query}).json()
    assert answer["suggestion"], "the API no longer corrects this typo: pick another one"
    type_query(served_page, query)
    link = served_page.locator(".pg-did-you-mean a")
    expect(link).to_have_text(answer["suggestion"])
    link.click()
    expect(served_page.locator(".md-search__input")).to_have_value(answer["suggestion"])
    expect(served_page.locator(f'.md-search-result[data-pg-query="{answer["suggestion"]}"]')).to_have_count(1)


def test_box_keyboard_enter_opens_the_first_result(served_page: Page, real_catalog):
    type_query(served_page, "Tylenol")
    served_page.keyboard.press("Enter")
    expect(served_page).to_have_url(re.compile(re.escape(entry_path(real_catalog, "acetaminophen"))))
    served_page.goto("/index.html")


def test_offline_box_completes_the_word_being_typed(offline_page: Page):
    type_query(offline_page, "acetamin")
    expect(offline_page.locator(".md-search__suggest")).to_have_text("acetaminophen")


def test_offline_find_page_uses_the_same_engine_with_filters(browser: Browser, real_built: Path, real_catalog):
    site = real_built / "current" / "site"
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((site / "find.html").resolve().as_uri() + "?q=acetaminophn")
        first = page.locator(".pg-find-results li a").first
        expect(first).to_have_text("Acetaminophen")
        page.select_option("#pg-type", "module")
        expect(page.locator(".pg-find-results li").first).to_contain_text("(module)")
        types = page.locator(".pg-find-results li").all_inner_texts()
        assert types and all("(module)" in t for t in types), types
    finally:
        context.close()


@pytest.mark.parametrize("where", ["served", "offline"])
def test_no_serious_accessibility_violations_in_the_open_search_dialog(where: str, request):
    page: Page = request.getfixturevalue(f"{where}_page")
    type_query(page, "tylenol")
    expect(page.locator(".md-search-result__meta").first).to_contain_text("matching document")
    violations = axe_violations(page)
    assert not violations, (
        f"axe found serious or critical problems in the {where} search dialog:\n{describe(violations)}"
    )


def test_widget_cuts_a_long_query_to_the_exported_limit(browser: Browser, live_server: str):
    """The embeddable widget reads the API's query limit from search-tuning.js beside it (it holds no copy):
    the box is limited to it, and a longer query (pasted, or set by a script) is cut and answered, not refused."""
    limit = search.OFFLINE_TUNING["maxQuery"]
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/index.html")
        page.evaluate(
            """() => {
              document.body.textContent = "";
              const tag = document.createElement("script");
              tag.src = "/assets/javascripts/widget.js";
              document.body.appendChild(tag);
            }"""
        )
        box = page.locator(".painguide-widget input")
        expect(box).to_have_attribute("maxlength", str(limit))
        box.evaluate("(input, text) => { input.value = text; }", ("tylenol " * limit)[: limit + 40])
        page.locator(".painguide-widget button").click()
        expect(page.locator(".painguide-widget li a").first).to_have_text("Acetaminophen")
    finally:
        context.close()
