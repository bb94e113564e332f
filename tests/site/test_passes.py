"""The passes over the built HTML (painguide.site.passes) on small pages: the page body found between its
markers, sanitized, then its widgets filled; a page whose markers are missing or repeated fails the build; the
lunr index trimmed. The markers go around each page's Markdown in staging (painguide.site.staging)."""

from __future__ import annotations

import json
from pathlib import Path

import markdown
import pytest

from painguide.site import passes, staging
from painguide.site.search_index import LUNR_INDEX, MATERIAL_INDEX
from painguide.site.widgets import Slots

CHROME_BEFORE = '<html><head></head><body><nav><h1 class="logo">PainGuide</h1></nav><article>\n  '
CHROME_AFTER = "\n  </article><footer>x</footer></body></html>"
EXTENSIONS = ["abbr", "admonition", "attr_list", "md_in_html", "tables", "toc"]


def _render(text: str) -> str:
    return markdown.Markdown(extensions=EXTENSIONS).convert(text)


def _page(bodies: passes.Bodies, text: str) -> str:
    """A built page, the way a builder writes it: the theme's chrome around the rendered staged Markdown."""
    wrapped = bodies.wrap(text)
    assert wrapped is not None
    return CHROME_BEFORE + _render(wrapped) + CHROME_AFTER


def _site(tmp_path: Path, pages: dict[str, str]) -> Path:
    for name, text in pages.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


ENDINGS = {
    "paragraph": "Some *text*.",
    "raw block": "<div data-x></div>",
    "list": "- one\n- two",
    "table": "| a | b |\n|---|---|\n| 1 | 2 |",
    "admonition": '!!! note "Note"\n    Careful.',
    "md_in_html": "<div markdown>\n*x*\n</div>",
}


@pytest.mark.parametrize("first", ENDINGS)
@pytest.mark.parametrize("last", ENDINGS)
def test_the_body_between_the_markers_is_exactly_what_the_markdown_renders_to(first, last):
    bodies = passes.Bodies()
    text = f"# Title {{#t}}\n{ENDINGS[first]}\n\n{ENDINGS[last]}\n\n*[ABC]: A b c\n"
    parts = bodies.split(_page(bodies, text))
    assert parts == (CHROME_BEFORE, _render(text), CHROME_AFTER)  # the chrome untouched, not a byte of marker


def test_a_page_body_is_sanitized_then_its_widgets_go_in(tmp_path):
    bodies, slots = passes.Bodies(), Slots(fixed={"find": '<form class="find"></form>'})
    marker = slots.put('<form class="pg-quiz"><button>Check</button></form>')
    text = f"# Quiz\n\nIntro.\n{marker}\n<img src=x onerror=alert(1)>\n\n<form><button>content</button></form>\n"
    site = _site(tmp_path, {"quiz.html": _page(bodies, text)})
    finished = passes.page_bodies(site, {"quiz.html": False}, bodies, slots)
    page = (site / "quiz.html").read_text(encoding="utf-8")
    assert finished == {"quiz.html": page.removeprefix(CHROME_BEFORE).removesuffix(CHROME_AFTER)}
    assert '<form class="pg-quiz"><button>Check</button></form>' in page  # the widget, after sanitizing
    assert "onerror" not in page and "content</button>" not in page  # the content's form went
    assert "pg-body" not in page and "data-pg-slot" not in page
    assert page.startswith(CHROME_BEFORE) and page.endswith(CHROME_AFTER)


def test_hand_written_pages_get_only_the_fixed_widgets(tmp_path):
    bodies, slots = passes.Bodies(), Slots(fixed={"find": '<form class="find"></form>'})
    generated = slots.put("<form class='generated'></form>")
    text = f'# Find\n\n<div data-pg-slot="find"></div>\n{generated}\n'
    site = _site(tmp_path, {"find.html": _page(bodies, text), "entry.html": _page(bodies, text)})
    passes.page_bodies(site, {"find.html": True, "entry.html": False}, bodies, slots)
    assert 'class="find"' in (site / "find.html").read_text() and "generated" in (site / "find.html").read_text()
    assert 'class="find"' not in (site / "entry.html").read_text()  # a content page cannot name a fixed slot


@pytest.mark.parametrize(
    "broken",
    [
        "no markers",
        "repeated start",
        "repeated end",
        "end before start",
        "start not after the heading",
        "another build's nonce",
    ],
)
def test_a_page_whose_markers_are_missing_or_repeated_fails_the_build(tmp_path, broken):
    bodies, other = passes.Bodies(), passes.Bodies()
    good = _page(bodies, "# Fine\n\nText.\n")
    pages = {
        "no markers": CHROME_BEFORE + _render("# Fine\n\nText.") + CHROME_AFTER,
        "repeated start": good.replace("Text.", f"Text. {bodies.start}"),
        "repeated end": good.replace("Text.", f"Text. {bodies.end}"),
        "end before start": CHROME_BEFORE + f"<h1>x</h1>{bodies.end}<p>x</p>{bodies.start}" + CHROME_AFTER,
        "start not after the heading": CHROME_BEFORE + f"<h1>x</h1><p>y</p>\n{bodies.start}<p>x</p>{bodies.end}",
        "another build's nonce": _page(other, "# Fine\n\nText.\n"),
    }
    site = _site(tmp_path, {"ok.html": good, "bad.html": pages[broken]})
    with pytest.raises(passes.PageError, match=r"1 page\(s\).*bad\.html"):
        passes.page_bodies(site, {"ok.html": False, "bad.html": False}, bodies, Slots())


def test_a_page_the_builder_did_not_write_fails_the_build(tmp_path):
    with pytest.raises(passes.PageError, match=r"gone\.html \(not built\)"):
        passes.page_bodies(tmp_path, {"gone.html": True}, passes.Bodies(), Slots())


def test_markdown_that_does_not_start_with_its_heading_is_not_wrapped():
    assert passes.Bodies().wrap("Text first.\n\n# Title\n") is None
    assert passes.Bodies().wrap("#Title\n") is None  # not a heading in Markdown either


def test_each_build_has_its_own_nonce():
    assert passes.Bodies().start != passes.Bodies().start


def test_the_lunr_trim_keeps_the_config_and_moves_the_index_aside(tmp_path):
    full = {"config": {"separator": "[\\s\\-]+"}, "docs": [{"location": "a.html", "title": "A", "text": "x"}]}
    (tmp_path / "search").mkdir()
    (tmp_path / MATERIAL_INDEX).write_text(json.dumps(full), encoding="utf-8")
    (tmp_path / "search" / "search_index.js").write_text(f"var __index = {json.dumps(full)}", encoding="utf-8")
    assert passes.trim_search_index(tmp_path) is True
    assert json.loads((tmp_path / LUNR_INDEX).read_text()) == full
    trimmed = (tmp_path / MATERIAL_INDEX).read_text()
    assert json.loads(trimmed) == {"config": full["config"], "docs": []}
    # the offline plugin's copy says the same (it was written before the pass ran)
    assert (tmp_path / "search" / "search_index.js").read_text() == f"var __index = {trimmed}"


def test_the_lunr_trim_does_nothing_when_the_builder_wrote_no_lunr_index(tmp_path):
    assert passes.trim_search_index(tmp_path) is False  # e.g. Zensical, whose search is search.json
    assert not (tmp_path / "search").exists()


def test_staged_pages_keep_their_front_matter_and_get_abbreviations_and_markers():
    bodies = passes.Bodies()
    text = "---\ntitle: About\n---\n\n# About\n\nText about CBT.\n"
    staged = staging.page_text(text, "*[CBT]: Cognitive behavioral therapy", bodies, name="about.md")
    assert staged.startswith("---\ntitle: About\n---\n# About\n\n" + bodies.start)
    assert staged.endswith("*[CBT]: Cognitive behavioral therapy\n\n\n" + bodies.end + "\n")


@pytest.mark.parametrize(
    "text",
    ["# No front matter\n", "---\ndescription: x\n---\n# No title\n", "---\ntitle: T\n---\nText before the heading.\n"],
)
def test_a_page_without_a_title_or_a_leading_heading_cannot_be_staged(text):
    with pytest.raises(staging.StagingError, match=r"^page\.md"):
        staging.page_text(text, "", passes.Bodies(), name="page.md")


def test_pages_land_where_the_builders_write_them():
    assert staging.html_path("a/b.md", directory_urls=False) == "a/b.html"
    assert staging.html_path("a/index.md", directory_urls=True) == "a/index.html"
    assert staging.html_path("a/b.md", directory_urls=True) == "a/b/index.html"
