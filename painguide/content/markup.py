"""The HTML that content may produce, and the check that a Markdown field produces nothing else.

One allow-list for the page sanitizer (``painguide.render``) and for validation: a Markdown field is rendered with
the site's own extensions and cleaned by nh3 with the *content* allow-list; if cleaning removed anything (a tag,
an attribute, a link, a comment, text inside a removed element), the field is a located validation error. That
replaces a regex blocklist that was both easy to step around (``<svg/onload>``) and quadratic (a 64 KB field took
35 s): rendering and nh3 are linear (the same 64 KB field checks in well under a second).
"""

from __future__ import annotations

import re
import threading
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
CONTENT_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title", "lang"},
    "a": {"href", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
# What MkDocs Material adds around content in a page body (content tabs are radio inputs and labels,
# permalinks, admonitions, icons). Never valid in a content field. No form, button, select, img, base, meta,
# link, script, style or iframe: the site's own widgets are inserted after sanitizing (painguide.widgets).
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


def attribute_filter(element: str, attribute: str, value: str) -> str | None:
    """Per-attribute rules nh3's allow-list cannot express.

    - ``title`` carries no markup: Material's tooltips (``content.tooltips``) render it as HTML.
    - an input is a tab switch or a task-list box (radio, checkbox), never a text or password field.
    """
    if attribute == "title":
        return value.replace("<", "").replace(">", "")
    if element == "input" and attribute == "type" and value.strip().lower() not in {"radio", "checkbox"}:
        return "hidden"
    return value


_UNTYPED_INPUT = re.compile(r"<input(?![^>]*\stype=)")


def clean(html: str, *, page: bool) -> str:
    """nh3 with the page or the content allow-list (and the same attribute rules either way)."""
    cleaned = nh3.clean(
        html,
        tags=set(PAGE_TAGS if page else CONTENT_TAGS),
        attributes=PAGE_ATTRIBUTES if page else CONTENT_ATTRIBUTES,
        generic_attribute_prefixes={"data-", "aria-"} if page else set(),
        attribute_filter=attribute_filter,
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


@lru_cache(maxsize=8192)
def markdown_problem(text: str) -> str | None:
    """Why ``text`` (a Markdown field) would lose something to the sanitizer, or None when it is clean."""
    rendered = _renderer().convert(text)
    before = _events(rendered)
    after = _events(clean(rendered, page=False))
    for reason in _losses(before, after):
        return reason
    return None


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
