"""The real site in a real browser: Debian's Chromium driven by Playwright against the served build.

Fixtures (tests/conftest.py): ``live_server`` serves the ``real_built`` build with uvicorn, ``browser``
is Chromium (skipped when it is absent outside CI), ``page`` is a fresh context and page per test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from painguide import urls
from painguide.content.catalog import modules_in_order
from painguide.content.kinds import ENTRY_TYPES, TYPE_LABELS
from painguide.content.schema import COMPONENT_IDS
from tests.helpers import ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


SEARCH_INDEX = "**/search/search_index.json"


@pytest.fixture
def quiet_page(page: Page) -> Page:
    """A page that does not fetch the site search index (Material's config; the offline engine's documents
    load only when the API is not there): for tests that do not search, it is only noise."""
    page.route(SEARCH_INDEX, lambda route: route.abort())
    return page


@pytest.fixture(scope="module")
def audit_page(browser, live_server: str) -> Iterator[Page]:
    """One quiet page shared by the read-only accessibility checks (each test navigates it afresh)."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    context.route(SEARCH_INDEX, lambda route: route.abort())
    try:
        yield context.new_page()
    finally:
        context.close()


def url_re(path: str) -> re.Pattern[str]:
    """A page's URL, whatever the server's origin, with no query or fragment after it."""
    return re.compile(re.escape(path) + r"$")


def entry_url(entry) -> str:
    return urls.url(urls.entry_page(entry))


def first_of_type(catalog, entry_type: str):
    return catalog.by_type(entry_type)[0]


def expect_h1(page: Page, text: str) -> None:
    """The page heading (Markdown's permalink adds a trailing ¶)."""
    expect(page.locator("h1")).to_have_text(re.compile("^" + re.escape(text) + "¶?$"))


def content(page: Page):
    """The page's main content (not the navigation, which repeats many titles)."""
    return page.locator("article.md-content__inner")


def open_search(page: Page, query: str) -> None:
    page.locator(".md-search__input").fill(query)
    expect(page.locator(".md-search-result__item").first).to_be_visible()


# --- pages and navigation ----------------------------------------------------------------------


def test_home_renders(quiet_page: Page, real_catalog):
    quiet_page.goto("/index.html")
    expect(quiet_page).to_have_title(re.compile("PainGuide"))
    expect_h1(quiet_page, "PainGuide: integrative chronic-pain care, explained")
    figure = quiet_page.locator("figure.pg-components")
    expect(figure.locator("figcaption")).to_contain_text("The five components of pain care")
    links = figure.locator("a")
    expect(links).to_have_count(5)
    names = [
        "Medications",
        "Restorative therapies",
        "Interventional procedures",
        "Behavioral health",
        "Complementary and integrative health",
    ]
    for i, (cid, name) in enumerate(zip(COMPONENT_IDS, names, strict=True)):
        expect(links.nth(i)).to_have_attribute("href", re.compile(rf"treatments/{cid}/index\.html$"))
        expect(links.nth(i)).to_have_text(name)
        assert cid in real_catalog.entries


def test_navigation_reaches_every_page_type(quiet_page: Page, real_catalog):
    """From the home page, by clicking tabs and links only, to a page of each kind."""
    cat = real_catalog

    def tab(name: str) -> None:
        quiet_page.locator(".md-tabs").get_by_role("link", name=name, exact=True).click()

    def follow(title: str, expected_url: str) -> None:
        content(quiet_page).get_by_role("link", name=title, exact=True).first.click()
        expect(quiet_page).to_have_url(url_re(expected_url))

    def is_entry(entry) -> None:
        expect(quiet_page).to_have_url(url_re(entry_url(entry)))
        expect_h1(quiet_page, entry.title)
        expect(content(quiet_page).locator(".pg-meta strong").first).to_have_text(TYPE_LABELS[entry.type])

    quiet_page.goto("/index.html")
    component = cat.entries[COMPONENT_IDS[0]]
    treatment = next(t for t in cat.treatments_of(component.id) if t.patient is not None)

    tab("Treatments")
    expect(quiet_page).to_have_url(url_re("/treatments/index.html"))
    follow(component.title, entry_url(component))
    is_entry(component)
    follow(treatment.title, entry_url(treatment))
    is_entry(treatment)
    content(quiet_page).locator(".tabbed-labels label", has_text="For patients").click()
    follow("Open the printable patient page", urls.url(urls.patient_page(treatment)))
    expect_h1(quiet_page, f"{treatment.title}: for patients")

    for tab_name, entry_type in (
        ("Barriers to care", "barrier"),
        ("Support team", "team-question"),
        ("Support team", "data-element"),
        ("Topics", "topic"),
    ):
        entry = first_of_type(cat, entry_type)
        tab(tab_name)
        link_text = entry.team.question if entry_type == "team-question" else entry.title
        follow(link_text, entry_url(entry))
        is_entry(entry)

    module = modules_in_order(cat)[0]
    tab("For trainers")
    expect(quiet_page).to_have_url(url_re("/trainers/index.html"))
    follow(module.title, urls.url(urls.module_page(module.id)))
    expect_h1(quiet_page, module.title)
    expect(quiet_page.locator("form.pg-quiz")).to_be_visible()


def test_search_finds_acetaminophen_for_tylenol(page: Page):
    page.goto("/index.html")
    open_search(page, "tylenol")
    hits = page.locator("a.md-search-result__link")
    page_hit = hits.filter(has=page.locator("h1", has_text=re.compile(r"^Acetaminophen$")))
    expect(page_hit.first).to_be_visible()
    expect(page_hit.first).to_have_attribute("href", re.compile(r"/treatments/medications/acetaminophen\.html"))


def test_audience_tabs_switch(quiet_page: Page):
    quiet_page.goto("/treatments/medications/acetaminophen.html")
    labels = content(quiet_page).locator(".tabbed-labels label")
    expect(labels).to_have_text(["For clinicians", "For patients", "For trainers"])
    clinicians = content(quiet_page).get_by_role("heading", name="Key points")
    patients = content(quiet_page).get_by_role("link", name="Open the printable patient page")
    trainers = content(quiet_page).get_by_role("heading", name="Learning objectives")
    expect(clinicians).to_be_visible()
    expect(patients).to_be_hidden()
    labels.nth(1).click()
    expect(patients).to_be_visible()
    expect(clinicians).to_be_hidden()
    labels.nth(2).click()
    expect(trainers).to_be_visible()
    expect(patients).to_be_hidden()
    labels.nth(0).click()
    expect(clinicians).to_be_visible()
    expect(trainers).to_be_hidden()


def test_patient_page_prints_to_pdf(quiet_page: Page):
    quiet_page.goto("/patients/acetaminophen.html")
    expect_h1(quiet_page, "Acetaminophen: for patients")
    expect(quiet_page.locator(".md-header")).to_be_visible()
    expect(quiet_page.locator("button.pg-print")).to_be_visible()  # unhidden by painguide.js
    pdf = quiet_page.pdf(format="Letter")
    assert pdf.startswith(b"%PDF-") and len(pdf) > 5_000
    quiet_page.emulate_media(media="print")
    for chrome in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-footer", "button.pg-print"):
        expect(quiet_page.locator(chrome)).to_be_hidden()
    expect(quiet_page.locator("h1")).to_be_visible()
    expect(content(quiet_page).get_by_role("heading", name="What it is")).to_be_visible()


def test_keyboard_only_navigation(quiet_page: Page):
    quiet_page.goto("/index.html")

    def focused() -> dict:
        return quiet_page.evaluate("""() => { const e = document.activeElement; return {
            tag: e.tagName, cls: e.className, href: e.getAttribute('href') || '',
            text: e.textContent.trim(), inContent: !!e.closest('.md-content') }; }""")

    quiet_page.keyboard.press("Tab")
    first = focused()
    assert "md-skip" in first["cls"] and first["text"] == "Skip to content", first
    heading_id = quiet_page.locator("article h1").get_attribute("id")
    assert first["href"].endswith(f"#{heading_id}"), first  # to the main content's heading
    expect(quiet_page.locator("a.md-skip")).to_be_visible()  # shown when focused
    seen = [first]
    for _ in range(10):
        quiet_page.keyboard.press("Tab")
        seen.append(focused())
        if "md-search__input" in seen[-1]["cls"]:
            break
    else:
        pytest.fail(f"Tab never reached the search box: {seen}")

    quiet_page.goto("/index.html")
    quiet_page.keyboard.press("Tab")
    quiet_page.keyboard.press("Enter")
    expect(quiet_page.locator("h1")).to_be_focused()
    assert focused()["inContent"]
    quiet_page.keyboard.press("Tab")
    after = focused()
    assert after["inContent"], f"Tab after the skip link left the main content: {after}"


def test_knowledge_check_marks_answers_without_a_server(quiet_page: Page, real_catalog):
    module = next(m for m in modules_in_order(real_catalog) if len(m.questions) >= 2)
    quiet_page.goto(urls.url(urls.module_page(module.id)))
    quiz = quiet_page.locator("form.pg-quiz")
    questions = quiz.locator("fieldset.pg-question")
    expect(questions).to_have_count(len(module.questions))
    right = module.questions[0].choices.index(module.questions[0].answer)
    wrong = (module.questions[1].choices.index(module.questions[1].answer) + 1) % len(module.questions[1].choices)
    questions.nth(0).locator(f'input[value="{right}"]').check()
    questions.nth(1).locator(f'input[value="{wrong}"]').check()

    requests: list[str] = []
    quiet_page.on("request", lambda r: requests.append(r.url))
    quiet_page.context.set_offline(True)
    quiz.get_by_role("button", name="Check my answers").click()

    expect(questions.nth(0).locator(".pg-feedback")).to_have_text("Correct.")
    expect(questions.nth(1).locator(".pg-feedback")).to_have_text(
        re.compile(r"^Not quite\. The answer is: " + re.escape(module.questions[1].answer))
    )
    expect(questions.nth(0).locator(".pg-explanation")).to_be_visible()
    expect(quiz.locator(".pg-score")).to_have_text(f"You answered 1 of {len(module.questions)} correctly.")
    if len(module.questions) > 2:
        expect(questions.nth(2).locator(".pg-feedback")).to_have_text("Choose an answer for this question.")
    assert requests == [], f"the knowledge check made requests: {requests}"


def test_assignment_builder_sheet_and_shareable_link(quiet_page: Page, real_catalog):
    chosen = modules_in_order(real_catalog)[:2]
    dues = ["2026-12-01", "2027-01-15"]
    quiet_page.goto("/trainers/assign.html")
    form = quiet_page.locator("form.pg-builder")
    form.locator("#pg-group").fill("Clinic A nurses")
    for module, due in zip(chosen, dues, strict=True):
        form.locator(f'input[name="module"][value="{module.id}"]').check()
        form.locator(f'input[name="due-{module.id}"]').fill(due)

    sheet = quiet_page.locator(".pg-sheet")
    expect(sheet.locator("h2")).to_have_text("Assignment sheet: Clinic A nurses")
    rows = sheet.locator("tbody tr")
    expect(rows).to_have_count(2)
    for i, (module, due) in enumerate(zip(chosen, dues, strict=True)):
        expect(rows.nth(i).locator("td").nth(0)).to_have_text(module.title)
        expect(rows.nth(i).locator("td").nth(2)).to_have_text(due)
    total = sum(m.duration_minutes for m in chosen)
    expect(sheet).to_contain_text(f"Total time: about {total} minutes.")

    link = form.locator("#pg-link").input_value()
    assert "group=Clinic+A+nurses" in link and chosen[0].id in link, link
    sheet_text = sheet.inner_text()

    fresh = quiet_page.context.browser.new_context()
    try:
        other = fresh.new_page()
        other.goto(link)
        other_form = other.locator("form.pg-builder")
        expect(other_form.locator("#pg-group")).to_have_value("Clinic A nurses")
        expect(other_form.locator('input[name="module"]:checked')).to_have_count(2)
        for module, due in zip(chosen, dues, strict=True):
            expect(other_form.locator(f'input[name="module"][value="{module.id}"]')).to_be_checked()
            expect(other_form.locator(f'input[name="due-{module.id}"]')).to_have_value(due)
        expect(other.locator(".pg-sheet tbody tr")).to_have_count(2)
        assert other.locator(".pg-sheet").inner_text() == sheet_text
    finally:
        fresh.close()


def test_find_guidance_calls_the_api(quiet_page: Page):
    quiet_page.goto("/find.html")
    form = quiet_page.locator("form.pg-find")
    form.locator("#pg-q").fill("chiropractor")
    with quiet_page.expect_response(lambda r: "/api/v1/search?" in r.url) as info:
        form.get_by_role("button", name="Search").click()
    response = info.value
    assert response.ok
    assert "q=chiropractor" in response.url
    api_titles = [hit["title"] for hit in response.json()["results"]]
    assert api_titles, "the API found nothing for chiropractor"
    results = quiet_page.locator(".pg-find-results")
    expect(results.locator("ol > li")).to_have_count(len(api_titles))
    expect(results.locator("ol > li > a").first).to_have_text(api_titles[0])
    expect(results.locator("a", has_text="Spinal manipulation")).to_have_attribute(
        "href", re.compile(r"/treatments/complementary-integrative-health/spinal-manipulation\.html$")
    )
    expect(quiet_page).to_have_url(re.compile(r"find\.html\?q=chiropractor$"))


def test_site_works_from_file_url(browser, real_built: Path):
    """The built site opened from disk (no server): the home page and Material's offline search."""
    site = real_built / "current" / "site"
    context = browser.new_context()
    try:
        page = context.new_page()
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
        page.goto((site / "index.html").resolve().as_uri())
        expect_h1(page, "PainGuide: integrative chronic-pain care, explained")
        expect(page.locator("figure.pg-components a")).to_have_count(5)
        open_search(page, "tylenol")
        hit = page.locator("a.md-search-result__link", has=page.locator("h1", has_text=re.compile(r"^Acetaminophen$")))
        expect(hit.first).to_have_attribute("href", re.compile(r"treatments/medications/acetaminophen\.html"))
        assert outside == [], f"the offline site requested the network: {outside}"
    finally:
        context.close()


# --- accessibility (axe-core) ------------------------------------------------------------------


def axe_violations(page: Page) -> list[dict]:
    # Evaluated through the DevTools protocol, not as a <script> tag: the site's CSP allows only its own
    # scripts, and the tests keep it on so they show the site works under it.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    # colours are judged as shown: let CSS transitions (the search overlay fades in) finish first
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
        if len(v["nodes"]) > 10:
            lines.append(f"    … and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


def a11y_pages(catalog) -> dict[str, str]:
    pages = {"home": "/index.html"}
    for entry_type in ENTRY_TYPES:
        pages[entry_type] = entry_url(first_of_type(catalog, entry_type))
    pages["treatment"] = "/treatments/medications/acetaminophen.html"  # the richest page: every layer
    pages["patient"] = "/patients/acetaminophen.html"
    pages["glossary"] = "/glossary.html"
    pages["module"] = urls.url(urls.module_page(modules_in_order(catalog)[0].id))
    pages["handout"] = urls.url(urls.module_page(modules_in_order(catalog)[0].id, "handout"))
    pages["answer-key"] = urls.url(urls.module_page(modules_in_order(catalog)[0].id, "answers"))
    pages["assignment-builder"] = "/trainers/assign.html"
    pages["find"] = "/find.html?q=chiropractor"
    return pages


A11Y_PAGES = (
    "home",
    *ENTRY_TYPES,
    "patient",
    "glossary",
    "module",
    "handout",
    "answer-key",
    "assignment-builder",
    "find",
)


@pytest.mark.parametrize("name", A11Y_PAGES)
def test_no_serious_accessibility_violations(audit_page: Page, real_catalog, name: str):
    path = a11y_pages(real_catalog)[name]
    audit_page.goto(path)
    expect(audit_page.locator("h1")).to_be_visible()
    if name == "find":  # with its results shown, not only the empty form
        expect(audit_page.locator(".pg-find-results ol > li").first).to_be_visible()
    if name == "assignment-builder":  # with a sheet to check, not only the empty form
        audit_page.locator('form.pg-builder input[name="module"]').first.check()
        expect(audit_page.locator(".pg-sheet tbody tr")).to_have_count(1)
    violations = axe_violations(audit_page)
    assert not violations, f"axe found serious or critical problems on {path}:\n{describe(violations)}"


@pytest.mark.parametrize("name", ["home", "treatment", "module"])
def test_no_serious_accessibility_violations_in_dark_scheme(browser, live_server: str, real_catalog, name: str):
    """The slate (dark) palette, which the site follows from the reader's system setting."""
    path = a11y_pages(real_catalog)[name]
    context = browser.new_context(base_url=live_server, color_scheme="dark", viewport={"width": 1280, "height": 900})
    try:
        context.route(SEARCH_INDEX, lambda route: route.abort())
        page = context.new_page()
        page.goto(path)
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
        violations = axe_violations(page)
        assert not violations, f"axe found serious or critical problems on {path} (dark):\n{describe(violations)}"
    finally:
        context.close()


def test_no_serious_accessibility_violations_in_search_results(page: Page):
    page.goto("/index.html")
    open_search(page, "tylenol")
    expect(page.locator(".md-search-result__meta")).to_contain_text("matching document")
    violations = axe_violations(page)
    assert not violations, f"axe found serious or critical problems in search results:\n{describe(violations)}"


def test_axe_is_installed():
    """The accessibility tests need axe-core from npm (make test installs it)."""
    assert AXE.is_file(), f"{AXE} is missing: run npm install"
    assert json.loads((AXE.parent / "package.json").read_text())["name"] == "axe-core"


def test_api_docs_render_under_the_csp(page: Page):
    """Swagger UI, served locally, reads the OpenAPI 3.1 document (Swagger UI 4 could not) with the site's CSP on."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("PainGuide API")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/search").first).to_be_visible()
    assert not [e for e in errors if "Content Security Policy" in e], errors
