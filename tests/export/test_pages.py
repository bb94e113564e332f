"""The cartridge's HTML pages: self-contained, in reading order, sanitized, with their sources."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

import pytest

from painguide.export import pages


@pytest.fixture
def module(fixture_catalog):
    return fixture_catalog.modules["fixture-basics"]


def _by_name(module, catalog):
    return {p.name: p for p in pages.module_pages(module, catalog)}


def _links(html):
    return re.findall(r'<a href="([^"]+)"', html)


def test_pages_come_in_reading_order_and_link_to_each_other_relatively(module, fixture_catalog):
    built = pages.module_pages(module, fixture_catalog)
    lessons = [pages.lesson_name(i, lesson.entry) for i, lesson in enumerate(module.lessons, 1)]
    assert [p.name for p in built] == ["handout.html", *lessons, "case.html", "assignment.html", "answer-key.html"]
    by_name = {p.name: p.html for p in built}
    assert lessons[0] in _links(by_name["handout.html"])
    for before, after in zip(lessons, [*lessons[1:], "case.html"], strict=True):
        assert f'<a href="{after}" rel="next">' in by_name[before]
    for before, after in itertools.pairwise(lessons):
        assert f'<a href="{before}" rel="prev">' in by_name[after]
    assert [p.name for p in built if p.instructor] == ["answer-key.html"]


def test_a_lesson_has_the_entry_layers_the_roles_read_and_its_sources(module, fixture_catalog):
    html = _by_name(module, fixture_catalog)["lesson-02-acetaminophen.html"].html
    entry = fixture_catalog.entries["acetaminophen"]
    assert module.lessons[1].focus in html
    assert "Key points" in html and "Practical steps" in html  # the clinician layer (clinicians, pharmacists)
    assert "For patients:" not in html
    for ref in entry.sources:
        source = fixture_catalog.sources[ref.id]
        assert source.title.replace("&", "&amp;").replace('"', "&#34;") in html
        if source.url:
            assert f'href="{source.url}"' in html
    for_patients = module.model_copy(update={"audiences": ["patients"]})
    html = _by_name(for_patients, fixture_catalog)["lesson-02-acetaminophen.html"].html
    assert "For patients: What it is" in html and "Key points" not in html


def test_markdown_is_rendered_and_sanitized_and_plain_text_is_escaped(module, fixture_catalog):
    entry = fixture_catalog.entries["acetaminophen"]
    # model_copy skips validation: the page must hold even if hostile text got this far
    hostile_layer = entry.clinician.model_copy(
        update={"key_points": ["**Bold** point <script>alert(1)</script>", "[x](javascript:alert(1)) link"]}
    )
    catalog = replace(
        fixture_catalog,
        entries={**fixture_catalog.entries, "acetaminophen": entry.model_copy(update={"clinician": hostile_layer})},
    )
    lessons = [module.lessons[0], module.lessons[1].model_copy(update={"focus": "<b>focus</b> & more"})]
    html = _by_name(module.model_copy(update={"lessons": lessons}), catalog)["lesson-02-acetaminophen.html"].html
    assert "<strong>Bold</strong> point" in html
    assert "<script>alert" not in html and "javascript:" not in html
    assert "&lt;b&gt;focus&lt;/b&gt; &amp; more" in html


def test_pages_carry_no_script_and_load_nothing_from_elsewhere(module, fixture_catalog):
    for page in pages.module_pages(module, fixture_catalog):
        assert "<script" not in page.html and " src=" not in page.html and "<link" not in page.html
        assert "<style>" in page.html  # styled by itself, without our site
        for href in _links(page.html):
            assert href.startswith("https://") or "/" not in href, (page.name, href)


def test_the_handout_and_answer_key_hold_the_questions_and_only_the_key_holds_answers(module, fixture_catalog):
    by_name = _by_name(module, fixture_catalog)
    handout, key = by_name["handout.html"].html, by_name["answer-key.html"].html
    for question in module.questions:
        assert question.prompt in handout and question.prompt in key
        assert question.explanation.replace("(", "(") in key
        assert question.explanation not in handout
    assert module.assignment.title in by_name["assignment.html"].html
    assert module.vignette.discussion_prompts[0] in by_name["case.html"].html


def test_links_to_other_site_pages_become_absolute_or_go(module, fixture_catalog):
    text = "Use the [planner](../../tools/support-team-planner.md#start) and [CDC](https://www.cdc.gov/) pages."
    linked = module.model_copy(update={"assignment": module.assignment.model_copy(update={"instructions": text})})
    html = _by_name(linked, fixture_catalog)["assignment.html"].html  # without a site address
    assert "<a>planner</a>" in html and 'href="https://www.cdc.gov/"' in html
    html = {p.name: p.html for p in pages.module_pages(linked, fixture_catalog, "https://pg.example/")}
    assert 'href="https://pg.example/tools/support-team-planner.html#start"' in html["assignment.html"]


@pytest.mark.browser
def test_pages_open_from_the_unzipped_cartridge_with_no_accessibility_problems(fixture_catalog, tmp_path):
    """Unzipped and opened from file://: every link between pages works, axe finds nothing."""
    import io
    import zipfile

    from painguide.export import cartridge
    from tests.export.browser import in_chromium
    from tests.helpers import ROOT

    axe = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
    module = fixture_catalog.modules["fixture-basics"]
    zipfile.ZipFile(io.BytesIO(cartridge.module_cartridge(module, fixture_catalog, None))).extractall(tmp_path)
    folder = tmp_path / "fixture-basics"

    def visit(browser):
        context = browser.new_context()
        context.set_default_timeout(10_000)
        try:
            page = context.new_page()
            page.goto((folder / "handout.html").as_uri())
            page.get_by_role("link", name="Start with lesson 1").click()
            for lesson in module.lessons[1:]:
                page.get_by_role("link", name=f"{fixture_catalog.entries[lesson.entry].title} →").click()
            page.get_by_role("link", name=f"Case: {module.vignette.title} →").click()
            assert page.url.endswith("/fixture-basics/case.html")
            found = {}
            for name in ("handout", "lesson-02-acetaminophen", "case", "answer-key"):
                page.goto((folder / f"{name}.html").as_uri())
                page.evaluate(axe + "\n;true")  # through DevTools (the pages carry no script)
                result = page.evaluate(
                    "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
                )
                found[name] = [v["id"] for v in result["violations"]]
            return found
        finally:
            context.close()

    found = in_chromium(visit)
    assert found == {name: [] for name in ("handout", "lesson-02-acetaminophen", "case", "answer-key")}
