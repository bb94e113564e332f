"""Content cannot steer the page or stall the build (security review 2: F1, F2, F4, F5).

Ids belong to the page, classes are the admonition types only, a ``<`` starts a complete tag, nesting is
capped, and a file's text built into one page has a size and render-time budget. Each case is a located
problem from ``validate``, never a traceback or a long render.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from painguide.content import markup
from painguide.content.markup import MAX_NESTING, MAX_PAGE_TEXT, markdown_problem, page_problem
from painguide.content.validate import validate
from tests.helpers import copy_content

TOPIC = "topics/therapeutic-alliance.yaml"
CONFIG = '{"base":"http://127.0.0.1:8619/","features":[],"translations":{},"search":"x.js","version":null}'


@pytest.mark.parametrize(
    "text",
    [
        f'Some words. <code id="__config">{CONFIG}</code>',  # review reproduction A
        'Some words. <span id="__config">x</span>',  # row 12: broke Material's bundle on the page
        "A paragraph of words.\n{: #__config }",  # attr_list on a block
        "Some *emphasis*{: #__search } here.",  # attr_list on an inline element
        "Some words. <p id=pg-link>x</p>",  # not only the theme's ids: no id at all
    ],
)
def test_content_may_not_set_an_id(text):
    assert "content may not set an id" in (markdown_problem(text) or "")


@pytest.mark.parametrize(
    "text",
    [
        '<pre class="mermaid">graph TD; A---B</pre> and words',  # row 14: Material fetched mermaid from unpkg
        '<div class="mermaid">graph TD; A---B</div> and words',
        "A paragraph of words.\n{: .mermaid }",
        '<span class="md-typeset">x</span> words',
    ],
)
def test_content_classes_are_allow_listed(text):
    assert "is not allowed in content" in (markdown_problem(text) or "")


def test_admonitions_keep_their_classes():
    for kind in sorted(markup.ADMONITION_TYPES):
        assert markdown_problem(f'!!! {kind} "Title"\n    Body text of the note.') is None, kind


@pytest.mark.parametrize(
    "text",
    ["<b " * 1334, "Pain scores < 4 are mild.", "an <unclosed tag and more", "`a<b` in code", "x <!-- unclosed"],
)
def test_a_lone_angle_bracket_is_refused(text):
    assert "does not start a complete HTML tag" in (markdown_problem(text) or "")


@pytest.mark.parametrize(
    "text",
    ["Plain **Markdown** and [a link](https://example.org).", "See <https://www.cdc.gov/> now.", "<b>bold</b> x"],
)
def test_complete_tags_and_autolinks_are_judged_by_the_sanitizer(text):
    assert markdown_problem(text) is None


def test_nesting_is_capped_at_the_limit():
    at_limit = "* " * MAX_NESTING + "x"
    assert markdown_problem(at_limit) is None
    assert "nested more than" in (markdown_problem("* " * (MAX_NESTING + 1) + "x") or "")
    assert "nested more than" in (markdown_problem("> " * (MAX_NESTING + 1) + "x") or "")


def test_the_review_recursion_case_is_a_problem_not_a_traceback():
    # row 65: "* " x 1,000 raised RecursionError out of validate
    assert "nested" in (markdown_problem("* " * 1000 + "x") or "")


def test_page_budget_counts_the_whole_file():
    assert page_problem(["x" * (MAX_PAGE_TEXT // 2)] * 2) is None
    assert "at most" in (page_problem(["x" * (MAX_PAGE_TEXT // 2)] * 2 + ["y"]) or "")


def test_page_budget_times_a_slow_page(monkeypatch):
    monkeypatch.setattr(markup, "PAGE_RENDER_BUDGET", 0.0)
    assert "to render as one page" in (page_problem(["<b>bold</b> text"]) or "")
    assert page_problem(["no raw html here"]) is None  # only raw HTML is rendered whole


def _poison_every_long_string(node: object, payload: str) -> object:
    if isinstance(node, str):
        return node + payload if len(node) > 60 else node
    if isinstance(node, dict):
        return {k: _poison_every_long_string(v, payload) for k, v in node.items()}
    if isinstance(node, list):
        return [_poison_every_long_string(v, payload) for v in node]
    return node


def test_the_reviewers_quadratic_entry_is_refused_with_located_errors(tmp_path: Path):
    # F4: "<b " x 1,334 in each of ~50 Markdown fields of one entry (118 KB) validated, then kept
    # `painguide build` busy for over 10 minutes.
    root = copy_content(tmp_path)
    path = root / TOPIC
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump(_poison_every_long_string(data, " " + "<b " * 1300), width=10**6), "utf-8")
    assert path.stat().st_size > 50_000
    started = time.perf_counter()
    _, problems = validate(root)
    took = time.perf_counter() - started
    mine = [p for p in problems if p.path.endswith(TOPIC)]
    assert mine, "the poisoned entry must not validate"
    assert all(p.line is not None and p.field for p in mine)
    assert {p.message for p in mine} >= {p.message for p in mine if "complete HTML tag" in p.message} != set()
    assert took < 120, f"validate took {took:.0f} s"  # a hang guard, not a speed target (bench has those)


def test_an_id_through_attr_list_is_located(tmp_path: Path):
    root = copy_content(tmp_path)
    path = root / TOPIC
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  what_it_is: >-\n", "  what_it_is: |-\n    Intro text.\n    {: #__config }\n\n", 1))
    _, problems = validate(root)
    assert any(
        p.path.endswith(TOPIC) and p.field == "patient.what_it_is" and "ids belong to the page" in p.message
        for p in problems
    ), [str(p) for p in problems]


def test_problems_with_and_without_a_line_sort_together():
    # a file-level problem (no line) beside located ones in the same file crashed validate's sort
    from painguide.content.problems import Problem

    problems = [
        Problem("a.yaml", 3, "x", "m"),
        Problem("a.yaml", None, None, "budget"),
        Problem("a.yaml", 1, None, "m"),
    ]
    assert [p.line for p in sorted(problems)] == [None, 1, 3]


def test_a_file_over_its_page_budget_is_reported_once(tmp_path: Path, monkeypatch):
    # refused by the budget, the entry is not also reported as a missing target of every link to it
    def budget(texts: list[str]) -> str | None:
        return "over budget" if texts[:1] == ["therapeutic-alliance"] else None  # its id comes first

    monkeypatch.setattr(markup, "page_problem", budget)
    _, problems = validate(copy_content(tmp_path))
    assert [p.message for p in problems] == ["over budget"], [str(p) for p in problems]
