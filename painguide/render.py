"""Markdown to safe HTML. Content is checked at validation time; this sanitizes again on output."""

from __future__ import annotations

import html
from functools import lru_cache

import markdown as md
import nh3

# What entry text may produce: prose, lists, emphasis, links, simple tables.
_CONTENT_TAGS = {
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
}
_CONTENT_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}

# What MkDocs Material writes into a page body besides content (content tabs, permalinks, admonitions).
_PAGE_TAGS = _CONTENT_TAGS | {
    "div",
    "span",
    "section",
    "article",
    "nav",
    "aside",
    "details",
    "summary",
    "h1",
    "h2",
    "h5",
    "h6",
    "input",
    "label",
    "img",
    "figure",
    "figcaption",
    "dl",
    "dt",
    "dd",
    "small",
    "mark",
    "kbd",
    "button",
    "form",
    "select",
    "option",
    "fieldset",
    "legend",
    "output",
    "svg",
    "path",
    "time",
}
_GLOBAL = {"class", "id", "title", "role", "lang", "hidden", "tabindex"}
_PAGE_ATTRIBUTES = {
    "*": _GLOBAL,
    "a": {"href", "title", "download"},
    "input": {"type", "name", "checked", "value", "id", "placeholder", "autocomplete"},
    "label": {"for"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
    "button": {"type", "name", "value"},
    "form": {"method"},
    "select": {"name", "multiple"},
    "option": {"value", "selected"},
    "output": {"for"},
    "time": {"datetime"},
    "svg": {"viewbox", "xmlns", "width", "height", "focusable"},
    "path": {"d"},
}


@lru_cache(maxsize=4096)
def markdown_to_html(text: str) -> str:
    """Render entry Markdown for API clients; raw HTML is reduced to the safe subset."""
    rendered = md.markdown(text, extensions=["sane_lists", "tables"])
    return nh3.clean(rendered, tags=_CONTENT_TAGS, attributes=_CONTENT_ATTRIBUTES, link_rel="noopener")


def sanitize_page(body: str) -> str:
    """Sanitize the body of a generated site page: no script, no event handlers, no javascript: URLs."""
    return nh3.clean(
        body,
        tags=_PAGE_TAGS,
        attributes=_PAGE_ATTRIBUTES,
        generic_attribute_prefixes={"data-", "aria-"},
        link_rel=None,
        strip_comments=False,
    )


def escape(text: str) -> str:
    return html.escape(text, quote=True)
