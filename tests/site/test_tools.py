"""The Tools pages in Chromium: every calculator case of tests/content/test_instruments.py opened from its
link, served (with the site's CSP) and from file://, shows the reference implementation's result in
``data-result``; bad input is refused with a message; the PHQ-9 safety step; keyboard-only use; the planner's
charter, downloads and erase; axe on each tool page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import markdown as md
import pytest
from markdown_it import MarkdownIt
from playwright.sync_api import Page, expect

from painguide.content.calculators import InputError, mme, ort_oud, peg, phq9
from tests.content.test_instruments import MME_CASES, MME_ERRORS, ORT_CASES, PEG_CASES, PHQ9_CASES, block
from tests.content.test_thresholds import MME_LIMIT_CASES
from tests.site.test_browser import AXE_TAGS, SEARCH_INDEX, axe_violations, describe

pytestmark = pytest.mark.browser

TOOL_PAGES = ["index", "mme", "peg", "phq-9", "ort-oud", "support-team-planner"]


def mme_query(doses: list[dict[str, Any]]) -> str:
    pairs = []
    for dose in doses:
        pairs += [(key, str(dose[key])) for key in ("drug", "mg", "per_day", "mcg_hr") if key in dose]
    return urlencode(pairs)


def reference(kind: str, inputs: Any) -> tuple[str, str | None, bool | None]:
    """What the page must show: (data-result text or "" when refused, PHQ-9 band, safety step shown)."""
    calc = block(kind)
    try:
        if kind == "mme":
            return _shown(mme(inputs, calc).total), None, None
        if kind == "peg":
            return _shown(peg(inputs, calc)), None, None
        if kind == "phq-9":
            result = phq9(inputs, calc)
            return str(result.total), result.band, result.safety
        return str(ort_oud(inputs, calc)), None, None
    except InputError:
        return "", None, None


def mme_shown(doses: list[dict[str, Any]]) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """The review prompts and drug cautions the MME page must show: the reference's, or none when it refuses."""
    try:
        result = mme(doses, block("mme"))
    except InputError:
        return (), ()
    return result.prompts, result.cautions


def _visible(page: Page, attribute: str) -> list[str]:
    """The values of ``attribute`` on the visible elements that carry it, in page order."""
    return [str(e.get_attribute(attribute)) for e in page.locator(f"[{attribute}]").all() if e.is_visible()]


def _shown(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)  # JavaScript's String(6.0) is "6"


CASES: list[tuple[str, str, Any]] = (
    [(f"mme-{name}", f"mme.html?{mme_query(doses)}", ("mme", doses)) for name, doses, _ in MME_CASES]
    # totals exactly at each review prompt's value and a tenth under: "at or above" in both languages
    + [(f"mme-{name}", f"mme.html?{mme_query(doses)}", ("mme", doses)) for name, doses, _ in MME_LIMIT_CASES]
    + [(f"mme-{name}", f"mme.html?{mme_query(doses)}", ("mme", doses)) for name, doses, _ in MME_ERRORS if doses]
    + [(f"peg-{name}", f"peg.html?{urlencode(scores)}", ("peg", scores)) for name, scores, _ in PEG_CASES]
    + [
        (f"phq-9-{name}", "phq-9.html?items=" + ",".join(map(str, items)), ("phq-9", items))
        for name, items, _ in PHQ9_CASES
    ]
    + [
        (f"ort-oud-{name}", "ort-oud.html?items=" + ",".join(map(str, items)), ("ort-oud", items))
        for name, items, _ in ORT_CASES
    ]
)


@pytest.fixture(scope="module")
def tool_page(browser) -> Iterator[Page]:
    """One quiet page for the read-only cases (each test navigates it afresh); it fails on any script error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    context.route(SEARCH_INDEX, lambda route: route.abort())
    page = context.new_page()
    errors: list[str] = []
    # Material's search throws "Network error" for the index this page aborts: not an error of the tools
    page.on("pageerror", lambda exc: errors.append(str(exc)) if str(exc) != "Network error" else None)
    # CSP violations are reported on the console; the aborted search index's own complaints are not about tools
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.errors = errors  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()


def site_url(where: str, live_server: str, real_built: Path, path: str) -> str:
    if where == "served":
        return f"{live_server}/tools/{path}"
    page, _, query = path.partition("?")
    return (real_built / "current" / "site" / "tools" / page).resolve().as_uri() + (f"?{query}" if query else "")


@pytest.mark.parametrize("where", ["served", "file"])
@pytest.mark.parametrize(("name", "path", "inputs"), CASES, ids=[c[0] for c in CASES])
def test_linked_case_equals_the_reference(tool_page: Page, live_server, real_built, where, name, path, inputs):
    kind, values = inputs
    result, band, safety = reference(kind, values)
    tool_page.errors.clear()  # type: ignore[attr-defined]
    tool_page.goto(site_url(where, live_server, real_built, path))
    expect(tool_page.locator("form.pg-tool[data-ready]")).to_have_count(1)
    expect(tool_page.locator("[data-result]")).to_have_text(result)
    errors = tool_page.locator(".pg-errors")
    if result:
        expect(errors).to_be_empty()
    else:  # refused: a message says what to fix, and no number is shown
        expect(errors).to_contain_text(re.compile(r"\w+"))
    if band is not None:
        expect(tool_page.locator("[data-band]")).to_have_text(f"({band})")
    if safety is not None:
        notice = tool_page.locator("[data-safety]")
        expect(notice).to_be_visible() if safety else expect(notice).to_be_hidden()
    if kind == "mme":  # the review prompts and the drug cautions shown are the reference's (none when refused)
        prompts, cautions = mme_shown(values)
        assert _visible(tool_page, "data-prompt") == [str(at) for at in prompts]
        assert sorted(_visible(tool_page, "data-caution")) == sorted(cautions)
    assert tool_page.errors == []  # type: ignore[attr-defined]  # no script error, no CSP violation


def test_mme_shows_its_prompts_cautions_and_source(tool_page: Page, live_server):
    tool_page.goto(f"{live_server}/tools/mme.html?drug=methadone&mg=10&per_day=2")
    expect(tool_page.locator("[data-result]")).to_have_text("94")
    expect(tool_page.locator('[data-prompt="50"]')).to_be_visible()
    expect(tool_page.locator('[data-prompt="90"]')).to_be_visible()
    expect(tool_page.locator('[data-prompt="90"]')).to_contain_text("not a cap or a reason to taper")
    expect(tool_page.locator('[data-caution="methadone"]')).to_be_visible()
    expect(tool_page.locator('[data-caution="fentanyl-patch"]')).to_be_hidden()
    result = tool_page.locator(".pg-result")
    expect(result.locator(".pg-source")).to_contain_text("CDC Clinical Practice Guideline")
    expect(result.locator(".pg-source")).to_contain_text("MME conversion factor table")
    about = tool_page.locator(".pg-tool-about")
    for heading in ("Intended use", "Limits", "CDC cautions", "Source"):
        expect(about.locator("h2", has_text=heading)).to_have_count(1)
    expect(about.locator("h2", has_text="CDC cautions").locator("xpath=following-sibling::ul[1]/li")).to_have_count(5)
    # the result and its source, intended use and limits fit on one 900-pixel screen with the form
    top = tool_page.locator("[data-result]").bounding_box()
    limits = about.locator("h2", has_text="Limits").bounding_box()
    assert top and limits and limits["y"] - top["y"] < 900


def test_mme_buprenorphine_is_refused_with_the_reason(tool_page: Page, live_server):
    tool_page.goto(f"{live_server}/tools/mme.html?drug=buprenorphine&mg=8&per_day=1")
    expect(tool_page.locator("[data-result]")).to_have_text("")
    expect(tool_page.locator(".pg-errors")).to_contain_text("Buprenorphine has no MME factor")
    expect(tool_page.locator('[data-refusal="buprenorphine"]')).to_be_visible()


def test_a_link_with_1000_rows_gives_20_and_says_the_rest_were_left_out(tool_page: Page, live_server):
    """F10: 1,000 rows in a link froze the tab for 24 s (a renumbering of every row per row added)."""
    doses = [{"drug": "oxycodone", "mg": 10, "per_day": 3}] * 999 + [{"drug": "morphine", "mg": 1, "per_day": 1}]
    tool_page.errors.clear()  # type: ignore[attr-defined]
    tool_page.goto(f"{live_server}/tools/mme.html?{mme_query(doses)}")
    expect(tool_page.locator("form.pg-tool[data-ready]")).to_have_count(1)
    expect(tool_page.locator(".pg-dose")).to_have_count(20)
    expect(tool_page.locator("[data-row]").last).to_have_attribute("data-row", "20")
    expect(tool_page.locator("#pg-drug-20")).to_have_value("oxycodone")
    errors = tool_page.locator(".pg-errors")
    expect(errors).to_contain_text("The link lists 1000 medicines; this calculator takes 20 from a link")
    expect(errors).to_contain_text("the last 980 were left out")
    expect(tool_page.locator("[data-result]")).to_have_text("")  # a total without them would be too low
    tool_page.get_by_role("button", name="Calculate").click()  # said once; then the rows as they are
    expect(tool_page.locator("[data-result]")).to_have_text("900")  # 20 x 10 mg x 3 x 1.5
    expect(errors).to_be_empty()
    assert tool_page.errors == []  # type: ignore[attr-defined]


def test_mme_input_errors_by_keyboard(page: Page):
    """Typed errors: negative dose, missing frequency, a word for a number; fixed, then the total."""
    page.route(SEARCH_INDEX, lambda route: route.abort())
    page.goto("/tools/mme.html")
    drug = page.locator("#pg-drug-1")
    drug.focus()
    page.keyboard.type("Oxycodone")
    expect(drug).to_have_value("oxycodone")
    page.keyboard.press("Tab")
    page.keyboard.type("-10")
    page.keyboard.press("Tab")  # doses a day left empty
    page.keyboard.press("Enter")  # implicit submission from a text field
    errors = page.locator(".pg-errors")
    expect(errors).to_contain_text("Medicine 1: The dose (mg) must be more than 0.")
    expect(page.locator("#pg-mg-1")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-result]")).to_have_text("")
    page.locator("#pg-mg-1").fill("ten")
    page.locator("#pg-mg-1").press("Enter")
    expect(errors).to_contain_text("The dose (mg) must be a number.")
    page.locator("#pg-mg-1").fill("10")
    page.locator("#pg-mg-1").press("Enter")
    expect(errors).to_contain_text("Enter the number of doses a day.")
    page.locator("#pg-mg-1").press("Tab")
    page.keyboard.type("3")
    # a second medicine: a patch, added and filled by keyboard
    add = page.get_by_role("button", name="Add a medicine")
    add.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#pg-drug-2")).to_be_focused()
    page.keyboard.type("Fentanyl")
    expect(page.locator("#pg-mcg-2")).to_be_visible()
    expect(page.locator("#pg-mg-2")).to_be_hidden()
    page.locator("#pg-mcg-2").focus()
    page.keyboard.type("25")
    page.keyboard.press("Enter")
    expect(errors).to_be_empty()
    expect(page.locator("[data-result]")).to_have_text("105")  # 45 + 60
    expect(page.locator(".pg-lines li")).to_have_count(2)
    # removing the second row by keyboard leaves the first total
    page.get_by_role("button", name="Remove medicine 2").focus()
    page.keyboard.press("Enter")
    page.locator("#pg-mg-1").press("Enter")
    expect(page.locator("[data-result]")).to_have_text("45")


def test_peg_by_keyboard_alone(page: Page):
    page.route(SEARCH_INDEX, lambda route: route.abort())
    page.goto("/tools/peg.html")
    page.locator('input[name="pain"]').first.focus()
    for presses in (6, 8, 4):  # arrow keys move the choice within a group; Tab goes to the next question
        for _ in range(presses):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Tab")
    expect(page.locator('input[name="activity"]:checked')).to_have_value("4")
    expect(page.locator("[data-result]")).to_have_text(
        _shown(peg({"pain": 6, "enjoyment": 8, "activity": 4}, block("peg")))
    )


def test_phq9_item_9_shows_the_safety_step_at_once(page: Page):
    """Whatever the total, and before the other questions are answered."""
    page.route(SEARCH_INDEX, lambda route: route.abort())
    page.goto("/tools/phq-9.html")
    safety = page.locator("[data-safety]")
    expect(safety).to_be_hidden()
    page.locator('input[name="self-harm"][value="1"]').focus()
    page.keyboard.press("Space")
    expect(safety).to_be_visible()
    expect(safety).to_contain_text("988")
    expect(safety).to_contain_text("today")
    page.get_by_role("button", name="Add up my answers").click()
    expect(page.locator(".pg-errors")).to_contain_text("Answer question 1.")
    expect(safety).to_be_visible()
    page.locator('input[name="self-harm"][value="0"]').check()
    expect(safety).to_be_hidden()


def test_planner_charter_downloads_and_erase(page: Page, real_catalog):
    page.route(SEARCH_INDEX, lambda route: route.abort())
    page.goto("/tools/support-team-planner.html")
    questions = real_catalog.by_type("team-question")
    assert len(questions) == 8
    page.locator("#pg-team-name").fill("Riverbend Family Health")
    answers = {}
    for q in questions:
        answers[q.id] = f"Our answer for {q.id}: line one.\nLine two."
        page.locator(f"#pg-answer-{q.id}").fill(answers[q.id])
    chosen = ["morphine-equivalent-dose", "peg-score"]
    for element in chosen:
        page.locator(f'input[data-planner-element][value="{element}"]').check()
    charter = page.locator(".pg-charter")
    expect(charter.locator("h2")).to_have_text("Team charter: Riverbend Family Health")
    for i, q in enumerate(questions):
        expect(charter.locator(".pg-charter-answer").nth(i)).to_have_text(answers[q.id])
        link = charter.locator("a", has_text=q.title)
        expect(link).to_have_attribute("href", re.compile(rf"support-team/{q.id}\.html$"))
    for element in chosen:
        entry = real_catalog.entries[element]
        expect(charter.locator("dt a", has_text=entry.title)).to_have_count(1)
        expect(charter).to_contain_text(entry.summary)
    expect(charter.locator("dd", has_text="Intended use:")).to_have_count(len(chosen))
    expect(charter.locator("dd", has_text="Limits:")).to_have_count(len(chosen))

    with page.expect_download() as info:
        page.get_by_role("button", name="Download Markdown").click()
    markdown = Path(info.value.path()).read_text(encoding="utf-8")
    assert markdown.startswith("# Team charter: Riverbend Family Health")
    shown = _markdown_text(markdown)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download JSON").click()
    assert info.value.suggested_filename == "team-charter.json"
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert [a["answer"] for a in data["answers"]] == [answers[q.id] for q in questions]
    assert all(
        a["guidance_url"].endswith(f"/support-team/{q.id}.html")
        for a, q in zip(data["answers"], questions, strict=True)
    )
    assert [d["id"] for d in data["data_elements"]] == chosen
    for q in questions:  # as typed once rendered (the Markdown escapes what would be syntax)
        assert " ".join(answers[q.id].split()) in shown
    for d in data["data_elements"]:
        assert d["definition"] and d["intended_use"] and d["limits"]
        assert " ".join(d["intended_use"].split()) in shown and " ".join(d["limits"].split()) in shown

    # kept in this browser only, across a reload; then erased
    page.reload()
    expect(page.locator(f"#pg-answer-{questions[0].id}")).to_have_value(answers[questions[0].id])
    expect(page.locator('input[value="peg-score"]')).to_be_checked()
    page.get_by_role("button", name="Erase my answers").click()
    expect(page.locator(".pg-saved")).to_have_text("Your answers were erased from this browser.")
    assert page.evaluate("() => window.localStorage.getItem('painguide.planner.v1')") is None
    expect(page.locator(f"#pg-answer-{questions[0].id}")).to_have_value("")
    expect(charter.locator(".pg-charter-empty")).to_have_count(len(questions) + 1)
    page.reload()
    expect(page.locator("#pg-team-name")).to_have_value("")


# The security review's planner answer (F9), and more Markdown that must stay text
PLANTED = (
    "</textarea><img src=x onerror=alert('ls-answer')>\n\n[click me](javascript:alert('md-link'))\n"
    "<script>alert(1)</script> ![i](http://127.0.0.1:8619/p.png) <http://127.0.0.1:8619/> [r][1]\n"
    "[1]: javascript:alert(2)\n# heading\n1. list\n- item\n> quote\n    code\n*em* __strong__ `tick` {: #__config }"
)


def _markdown_html(markdown: str) -> list[str]:
    """The download as two Markdown viewers render it: Python-Markdown and CommonMark (raw HTML allowed)."""
    return [md.markdown(markdown, extensions=["extra"]), MarkdownIt("commonmark").render(markdown)]


def _markdown_text(markdown: str) -> str:
    html = _markdown_html(markdown)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.mark.parametrize("how", ["typed", "localStorage"])
def test_planner_markdown_download_shows_hostile_answers_as_text(page: Page, live_server: str, how: str):
    page.route(SEARCH_INDEX, lambda route: route.abort())
    page.goto("/tools/support-team-planner.html")
    first = page.locator("[data-planner-field]").nth(1)
    name = first.get_attribute("data-planner-field")
    if how == "typed":
        page.locator("#pg-team-name").fill("Team [x](javascript:alert(3)) <img src=x>")
        first.fill(PLANTED)
    else:  # what another local document can do from file://, where every page shares localStorage
        stored = {"answers": {"team": "Team [x](javascript:alert(3)) <img src=x>", name: PLANTED}, "elements": []}
        page.evaluate("(s) => window.localStorage.setItem('painguide.planner.v1', JSON.stringify(s))", stored)
        page.reload()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download Markdown").click()
    markdown = Path(info.value.path()).read_text(encoding="utf-8")
    for html in _markdown_html(markdown):
        assert "<img" not in html and "<script" not in html and "<textarea" not in html, html
        assert "javascript:" not in " ".join(re.findall(r"<a [^>]*>", html)), html
        assert all(href.startswith(f"{live_server}/") for href in re.findall(r'href="([^"]*)"', html)), html
        # nor a heading, list, quote, code or emphasis of the answer's making (none chosen: no list of ours)
        assert html.count("<h1") == 1 and not re.search(r"<(?:ol|ul|blockquote|code|pre)\b", html), html
        assert "<em>em</em>" not in html and "<strong>strong</strong>" not in html
    shown = _markdown_text(markdown)
    assert "Team charter: Team [x](javascript:alert(3)) <img src=x>" in shown
    for line in PLANTED.splitlines():
        assert " ".join(line.split()) in shown, line


def test_tools_are_linked_from_their_entries_and_home(tool_page: Page, live_server):
    tool_page.goto(f"{live_server}/support-team/data/morphine-equivalent-dose.html")
    expect(tool_page.get_by_role("link", name="Open the MME calculator")).to_have_attribute(
        "href", re.compile(r"tools/mme\.html$")
    )
    tool_page.goto(f"{live_server}/index.html")
    expect(tool_page.locator("article a[href$='tools/index.html']")).to_have_count(1)
    tool_page.goto(f"{live_server}/trainers/building-a-support-team/index.html")  # the module assigns the planner
    expect(tool_page.locator("article a[href$='tools/support-team-planner.html']")).to_have_count(1)


def test_print_shows_the_result_and_the_charter_only(tool_page: Page, live_server):
    tool_page.goto(f"{live_server}/tools/phq-9.html?items=0,1,2,0,1,0,0,0,1")
    tool_page.emulate_media(media="print")
    try:
        expect(tool_page.locator("[data-result]")).to_be_visible()
        expect(tool_page.locator("[data-safety]")).to_be_visible()
        expect(tool_page.locator(".pg-tool-about h2", has_text="Limits")).to_be_visible()
        expect(tool_page.locator("form.pg-tool button").first).to_be_hidden()
        expect(tool_page.locator(".md-header")).to_be_hidden()
        tool_page.goto(f"{live_server}/tools/support-team-planner.html")
        expect(tool_page.locator(".pg-charter h2")).to_be_visible()
        expect(tool_page.locator("h1")).to_be_hidden()
        expect(tool_page.locator(".pg-step").first).to_be_hidden()
        expect(tool_page.locator(".pg-charter-actions")).to_be_hidden()
    finally:
        tool_page.emulate_media(media="screen")


def test_tools_do_not_use_the_network_from_file(browser, real_built: Path):
    context = browser.new_context()
    try:
        page = context.new_page()
        outside: list[str] = []
        page.on(
            "request", lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:", "blob:")) else None
        )
        site = real_built / "current" / "site" / "tools"
        page.goto((site / "phq-9.html").resolve().as_uri() + "?items=0,1,2,0,1,0,0,0,1")
        expect(page.locator("[data-result]")).to_have_text("5")
        page.goto((site / "support-team-planner.html").resolve().as_uri())
        page.locator("#pg-team-name").fill("Offline clinic")
        expect(page.locator(".pg-charter h2")).to_have_text("Team charter: Offline clinic")
        assert outside == []
    finally:
        context.close()


@pytest.mark.parametrize("name", TOOL_PAGES)
def test_tool_pages_pass_axe(tool_page: Page, live_server, name: str):
    query = {
        "mme": "?drug=methadone&mg=10&per_day=2&drug=fentanyl-patch&mcg_hr=25",  # prompts and cautions shown
        "peg": "?pain=6&enjoyment=8&activity=4",
        "phq-9": "?items=0,1,2,0,1,0,0,0,1",  # with the safety step shown
        "ort-oud": "?items=1,0,0,0,0,0,1,0,1",
    }.get(name, "")
    tool_page.goto(f"{live_server}/tools/{name}.html{query}")
    expect(tool_page.locator("h1")).to_be_visible()
    if name == "support-team-planner":
        tool_page.locator('input[data-planner-element][value="peg-score"]').check()
        tool_page.locator("#pg-answer-team-purpose").fill("Support clinicians with complex cases.")
    violations = axe_violations(tool_page)
    assert not violations, f"axe ({', '.join(AXE_TAGS)}) on tools/{name}.html:\n{describe(violations)}"
