"""The HTML that content may produce, and the check that a Markdown field produces nothing else.

One allow-list for the page sanitizer (``painguide.site.sanitize``) and for validation: a Markdown field is rendered
with the site's own extensions and cleaned by nh3 with the *content* allow-list; if cleaning removed anything (a tag,
an attribute, a link, a comment, text inside a removed element), the field is a located validation error. That
replaces a regex blocklist that was both easy to step around (``<svg/onload>``) and quadratic (a 64 KB field took
35 s): rendering and nh3 are linear (the same 64 KB field checks in well under a second).
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from html.parser import HTMLParser

import markdown as md
import nh3

# Extensions as in mkdocs.yml, minus toc (permalinks are generated markup, not content).
SITE_EXTENSIONS = [
    "abbr",
    "admonition",
    "attr_list",
    "def_list",
    "md_in_html",
    "tables",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.tabbed",
    "pymdownx.tasklist",
]

# What entry text may produce: prose, lists, emphasis, links, simple tables, admonitions.
CONTENT_TAGS = frozenset(
    [
        "p",
        "br",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "b",
        "i",
        "code",
        "pre",
        "blockquote",
        "a",
        "abbr",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "h3",
        "h4",
        "sup",
        "sub",
        "hr",
        "div",
        "span",
        "details",
        "summary",
        "dl",
        "dt",
        "dd",
        "small",
        "mark",
        "kbd",
    ]
)
# No ``id``: ids belong to the page. Material and our scripts find their own elements by id
# (``#__config``: the theme's settings, ``#__search``...); a content element earlier in the page with the
# same id won ``document.querySelector`` and steered the page (security review 2, F1). Content never
# needed one (0 in the corpus); a heading's id is made by the toc extension from its text, and the page
# sanitizer drops any in the theme's namespace (``_page_id``).
CONTENT_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "title", "lang"},
    "a": {"href", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
# What MkDocs Material adds around content in a page body (content tabs are radio inputs and labels,
# permalinks, admonitions, icons). Never valid in a content field. No form, button, select, img, base, meta,
# link, script, style or iframe: the site's own widgets are inserted after sanitizing (painguide.site.widgets).
PAGE_TAGS = CONTENT_TAGS | frozenset(
    [
        "section",
        "article",
        "nav",
        "aside",
        "h1",
        "h2",
        "h5",
        "h6",
        "input",
        "label",
        "figure",
        "figcaption",
        "svg",
        "path",
        "time",
    ]
)
PAGE_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title", "role", "lang", "hidden", "tabindex"},
    "a": {"href", "title", "download"},
    "input": {"type", "name", "checked", "value", "id", "disabled"},
    "label": {"for"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
    "time": {"datetime"},
    "svg": {"viewbox", "xmlns", "width", "height", "focusable"},
    "path": {"d"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Classes content may carry: what the admonition and details extensions write (``!!! warning``,
# ``??? note``). A class is an instruction to the theme's JavaScript: ``mermaid`` made Material load
# mermaid.min.js from unpkg.com (review 2, F2). The corpus uses none today.
ADMONITION_TYPES = frozenset(
    [
        "note",
        "abstract",
        "summary",
        "tldr",
        "info",
        "todo",
        "tip",
        "hint",
        "important",
        "success",
        "check",
        "done",
        "question",
        "help",
        "faq",
        "warning",
        "caution",
        "attention",
        "failure",
        "fail",
        "missing",
        "danger",
        "error",
        "bug",
        "example",
        "quote",
        "cite",
    ]
)
CONTENT_CLASSES = ADMONITION_TYPES | {"admonition", "admonition-title"}
# Classes no page may carry, whoever wrote them: each makes Material fetch a script from a CDN.
_PAGE_FORBIDDEN_CLASSES = frozenset({"mermaid"})
# Ids the theme writes inside a page body (content tabs: pymdownx.tabbed's radio inputs and their labels).
# Every other id in the theme's namespace (``__``) is the theme's own and never comes from the body.
_BODY_THEME_ID = re.compile(r"__tabbed_\d+_\d+")


def attribute_filter(element: str, attribute: str, value: str) -> str | None:
    """Per-attribute rules nh3's allow-list cannot express (both allow-lists).

    - ``title`` carries no markup: Material's tooltips (``content.tooltips``) render it as HTML.
    - an input is a tab switch or a task-list box (radio, checkbox), never a text or password field.
    """
    if attribute == "title":
        return value.replace("<", "").replace(">", "")
    if element == "input" and attribute == "type" and value.strip().lower() not in {"radio", "checkbox"}:
        return "hidden"
    return value


def _classes(value: str, allowed: frozenset[str] | None, forbidden: frozenset[str]) -> str | None:
    kept = [c for c in value.split() if (allowed is None or c in allowed) and c not in forbidden]
    return " ".join(kept) or None


def _content_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        return _classes(value, CONTENT_CLASSES, frozenset())
    return attribute_filter(element, attribute, value)


def _page_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        return _classes(value, None, _PAGE_FORBIDDEN_CLASSES)
    if attribute in {"id", "for"} and value.startswith("_") and not _BODY_THEME_ID.fullmatch(value):
        return None  # the theme's namespace: a body element never takes one of its ids
    return attribute_filter(element, attribute, value)


_UNTYPED_INPUT = re.compile(r"<input(?![^>]*\stype=)")


def clean(html: str, *, page: bool) -> str:
    """nh3 with the page or the content allow-list (and the same attribute rules either way)."""
    cleaned = nh3.clean(
        html,
        tags=set(PAGE_TAGS if page else CONTENT_TAGS),
        attributes=PAGE_ATTRIBUTES if page else CONTENT_ATTRIBUTES,
        generic_attribute_prefixes={"data-", "aria-"} if page else set(),
        attribute_filter=_page_attribute if page else _content_attribute,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    # an <input> without a type is a text field: make it hidden (nh3 serializes tags uniformly, so this is exact)
    return _UNTYPED_INPUT.sub('<input type="hidden"', cleaned)


class _Events(HTMLParser):
    """Start tags with their attributes, text, and comments: what a sanitizer could remove."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.starts: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()
        self.text: list[str] = []
        self.comments = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts[(tag, tuple(sorted((k, v or "") for k, v in attrs)))] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments += 1


def _events(html: str) -> _Events:
    parser = _Events()
    parser.feed(html)
    parser.close()
    return parser


def _losses(before: _Events, after: _Events) -> Iterator[str]:
    missing = before.starts - after.starts
    kept_tags = {tag for tag, _ in after.starts}
    for (tag, attrs), _ in missing.items():
        if tag not in kept_tags and tag not in CONTENT_TAGS:
            yield f"raw HTML <{tag}> is not allowed in content"
            continue
        same_tag = [dict(a) for t, a in after.starts if t == tag]
        for name, value in attrs:
            if not any(kept.get(name) == value for kept in same_tag):
                if name == "href":
                    yield f"the link target {value[:40]!r} is not allowed (only http, https, mailto, tel, relative)"
                elif name == "title":
                    yield "a title (tooltip) may not contain '<' or '>'"
                elif name == "id":
                    yield f"content may not set an id ({value[:40]!r} on <{tag}>): ids belong to the page"
                elif name == "class":
                    yield (
                        f"the class {value[:40]!r} on <{tag}> is not allowed in content "
                        "(only the admonition types: note, tip, warning, danger...)"
                    )
                else:
                    yield f"the HTML attribute '{name}' on <{tag}> is not allowed in content"
    if before.comments:
        yield "HTML comments are not allowed in content"
    if " ".join("".join(before.text).split()) != " ".join("".join(after.text).split()):
        yield "text inside a disallowed HTML element would be lost (script, style, or similar)"


_local = threading.local()


def _renderer() -> md.Markdown:
    # Building a Markdown instance with extensions costs ~1 ms; reuse one per thread (instances are not
    # thread-safe, and validation runs in the server's worker threads too).
    if not hasattr(_local, "md"):
        _local.md = md.Markdown(extensions=SITE_EXTENSIONS)
    renderer: md.Markdown = _local.md
    renderer.reset()
    return renderer


# A '<' in Markdown starts a tag, a comment or an autolink, or it is refused: Python-Markdown's raw-HTML
# pass is quadratic in the *page* on unclosed tags ("<b " x 1,334 in one field rendered in 1.1 s, four such
# fields on a page in 11.9 s, an entry of ~50 in over 10 minutes: review 2, F4), and prose says "under" or
# "&lt;". Matched at each '<' only; ``[^<>]*`` stops at the next angle bracket, so the scan is linear.
_ANGLE = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9-]*(?:[\s/][^<>]*)?>|!--(?s:.*?)-->|(?:https?|mailto|tel):[^\s<>]+>)")
# Lists and quotes opened on one line ("* * * * x", "> > > x") nest one level per marker; ~1,000 of them
# ran Python-Markdown out of recursion (review 2, F5). Real content nests 2 levels at most.
MAX_NESTING = 16
_MARKERS = re.compile(r"[ \t]*(?:(?:[*+>-]|\d{1,9}[.)])[ \t]+|>)")


def _angle_problem(text: str) -> str | None:
    start = text.find("<")
    while start != -1:
        if not _ANGLE.match(text, start):
            line = text.count("\n", 0, start) + 1
            return (
                f"a '<' that does not start a complete HTML tag (line {line} of the field: "
                f"{text[start : start + 20]!r}); write 'under', 'less than' or &lt; instead"
            )
        start = text.find("<", start + 1)
    return None


def _nesting_problem(text: str) -> str | None:
    for number, line in enumerate(text.splitlines(), 1):
        depth, at = 0, 0
        while (m := _MARKERS.match(line, at)) and m.end() > at:
            depth, at = depth + 1, m.end()
            if depth > MAX_NESTING:
                return f"lists or quotes nested more than {MAX_NESTING} levels deep (line {number} of the field)"
    return None


@lru_cache(maxsize=8192)
def markdown_problem(text: str) -> str | None:
    """Why ``text`` (a Markdown field) would lose something to the sanitizer, or None when it is clean."""
    if problem := _angle_problem(text) or _nesting_problem(text):
        return problem
    try:
        rendered = _renderer().convert(text)
    except RecursionError:  # belt and braces: the nesting cap should prevent it
        return "nested too deeply to render (lists, quotes or emphasis inside each other)"
    before = _events(rendered)
    after = _events(clean(rendered, page=False))
    for reason in _losses(before, after):
        return reason
    return None


# A page joins the fields of one file (an entry, a module, the glossary) into one Markdown document, so a cost
# that is fine per field can add up per page. The largest file today holds 32,507 characters of text (the
# glossary; an entry at most 12,519) and renders in 0.08 s; the budget leaves room to grow 4-10 times.
MAX_PAGE_TEXT = 128_000  # characters of text in one file
PAGE_RENDER_BUDGET = 5.0  # seconds to render a file's text as one page (0.08 s today, at load 3)


def page_problem(texts: list[str]) -> str | None:
    """Why the fields of one file, built into one page, would cost too much to build (or None).

    Only text with raw HTML is rendered whole: Python-Markdown's raw-HTML pass is the one that runs over the
    whole document; every other pass works block by block, which the per-field limits already bound.
    """
    size = sum(map(len, texts))
    if size > MAX_PAGE_TEXT:
        return f"holds {size:,} characters of text; a file is built into pages of at most {MAX_PAGE_TEXT:,}"
    if not any("<" in text for text in texts):
        return None
    started = time.perf_counter()
    try:
        _renderer().convert("\n\n".join(texts))
    except RecursionError:
        return "its text, built into one page, is nested too deeply to render"
    took = time.perf_counter() - started
    if took > PAGE_RENDER_BUDGET:
        return f"its text takes {took:.1f} s to render as one page; a page must render within {PAGE_RENDER_BUDGET:g} s"
    return None


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> str:
    """Content Markdown as clean HTML: the site's extensions, then the content allow-list, which are the rules
    every Markdown field was validated against. The one renderer for Markdown outside MkDocs pages (the tools'
    notes, the cartridge pages)."""
    return clean(_renderer().convert(text), page=False)


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value is not None]


def link_targets(text: str) -> tuple[list[str], list[str]]:
    """The link targets of a Markdown field as rendered: (every ``<a href>``, the targets of raw-HTML links).

    Reference definitions count even when unused here: a page joins many fields, so ``[x][ref]`` in one field
    and ``[ref]: page.md`` in another make a link only on the page. Raw-HTML links are listed apart because
    MkDocs rewrites (and checks) only Markdown links: a raw ``href="x.md"`` stays a dead link.
    """
    if "[" not in text and "href" not in text.lower():  # no Markdown link, reference or <a href>: skip the render
        return [], []
    renderer = _renderer()
    rendered = renderer.convert(text)
    links = _Hrefs()
    links.feed(rendered)
    links.close()
    raw = _Hrefs()
    for block in renderer.htmlStash.rawHtmlBlocks:
        raw.feed(str(block))
    raw.close()
    references = [url for url, _title in renderer.references.values()]
    return [*links.hrefs, *references], raw.hrefs
