"""Small helpers that write Markdown for MkDocs: links between pages, lists, sections, tabs, front matter, and
plain text placed so that it is shown as typed, never as markup."""

from __future__ import annotations

import datetime as dt
import html
import json
import posixpath
import re
from collections.abc import Iterable
from typing import Any

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def link(src: str, dest: str) -> str:
    """Relative link from page ``src`` to page ``dest`` (both docs-relative .md paths)."""
    return posixpath.relpath(dest, posixpath.dirname(src) or ".")


def indent(text: str, spaces: int = 4) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line.strip() else "" for line in text.splitlines())


def date(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def md_text(text: str) -> str:
    """Plain text (a title, a summary, a question) placed in Markdown: shown as typed, never as markup.

    The schema already keeps '<', '>' and line breaks out of plain-text fields; this also stops Markdown
    syntax (links, emphasis, attribute lists) in a title from becoming markup on the page.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


# Characters that end or extend a Markdown link: ``)`` closed the link early and a following ``{: #id}``
# became an attribute list on it (a source URL "…/x){:#__config}" set the page's settings: review 2, F1).
# Percent-encoded they are the same address to every server.
_URL_SPECIAL = re.compile(r"[()\[\]{}<>\\`\s\"']")


def url(address: str) -> str:
    """An address placed as a Markdown link target: one token, never markup."""
    return _URL_SPECIAL.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode()), address)


def nav_label(title: str) -> str:
    """A navigation label: Material writes ``nav_item.title`` into the page unescaped."""
    return html.escape(title)


def front_matter(title: str, description: str, tags: Iterable[str] = (), **extra: Any) -> str:
    """Page metadata. MkDocs and Material put title, description and tags into <title>, the header,
    <meta name=description content="..."> and tag chips *without escaping*, so they are escaped here."""
    data: dict[str, Any] = {"title": html.escape(title), "description": html.escape(description)}
    if tags:
        data["tags"] = [html.escape(t) for t in dict.fromkeys(tags)]
    data.update(extra)
    # JSON is valid YAML and quotes everything safely.
    return "---\n" + "\n".join(f"{k}: {json.dumps(v)}" for k, v in data.items()) + "\n---\n\n"


def bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {indent(item, 2).strip()}" for item in items)


def numbered(items: Iterable[str]) -> str:
    return "\n".join(f"{i}. {indent(item, 3).strip()}" for i, item in enumerate(items, 1))


def section(title: str, body: str | None, level: int = 2) -> str:
    # h2 by default: the audience tabs sit right under the page's h1, so their sections are h2s
    # (an h3 there skips a level: Lighthouse and axe "heading-order").
    return f"{'#' * level} {title}\n\n{body.strip()}\n" if body else ""


def tab(title: str, body: str) -> str:
    return f'=== "{title}"\n\n{indent(body)}\n'
