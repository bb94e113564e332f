"""Relative links in Markdown fields lead to pages the site has, from every page the field is shown on.

Before this check, ``[x](../treatments/no-such-entry.md)`` passed ``painguide validate`` and then aborted the
strict MkDocs build, and a raw ``<a href="../treatments/no-such-entry.html">`` built as a dead link.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from typing import Any, get_args
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel

from painguide.content import markup, pages
from painguide.content.catalog import GLOSSARY_FILE, Catalog
from painguide.content.fields import Markdown
from painguide.content.schema import Entry, Module

Loc = list[str | int]
_MARKDOWN_METADATA = list(get_args(Markdown)[1:])  # pydantic moves a bare `x: Markdown`'s metadata to the field


def _holds_markdown(annotation: Any) -> bool:
    return bool(annotation == Markdown or any(_holds_markdown(arg) for arg in get_args(annotation)))


def markdown_fields(model: BaseModel, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """Every Markdown value of ``model`` (nested models and lists included) with its field path."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        markdown = info.metadata == _MARKDOWN_METADATA or _holds_markdown(info.annotation)
        items = list(enumerate(value)) if isinstance(value, (list, tuple)) else [(None, value)]
        for i, item in items:
            at: Loc = [*loc, name] if i is None else [*loc, name, i]
            if isinstance(item, BaseModel):
                yield from markdown_fields(item, at)
            elif markdown and isinstance(item, str):
                yield at, item


def _target(page: str, path: str) -> str:
    """The docs-relative page a link path leads to from ``page`` (``x.html`` and ``x/`` as their sources)."""
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(path)))
    if path.endswith("/"):
        target += "/index.md"
    elif target.endswith(".html"):
        target = target.removesuffix(".html") + ".md"
    return target


def link_problem(
    text: str, shown_on: tuple[str, ...], site: set[str], broken: AbstractSet[str] = frozenset()
) -> str | None:
    """Why a link in ``text`` (a Markdown field shown on the pages ``shown_on``) is dead, or None."""
    hrefs, raw = markup.link_targets(text)
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path:  # other sites (schemes checked already), #anchors
            continue
        if parts.path.startswith("/"):
            return (
                f"the link {href[:60]!r} starts at the site's root, which breaks when the site is opened from disk "
                "or served under a path: write it relative to the page"
            )
        if href in raw and parts.path.endswith(".md"):
            return (
                f"the HTML link {href[:60]!r} is not converted to a page address by the build: "
                "write it as a Markdown link [text](page.md)"
            )
        for page in shown_on:
            target = _target(page, parts.path)
            name = posixpath.basename(target).removesuffix(".md")
            if name == "index":  # a component's page: treatments/<id>/index.md
                name = posixpath.basename(posixpath.dirname(target))
            if target not in site and name not in broken:  # a link to a broken file: that file is reported
                also = f" (this text is shown on {', '.join(shown_on)})" if len(shown_on) > 1 else ""
                return f"the link {href[:60]!r} from {page} leads to {target}, which is not a page of the site{also}"
    return None


def problems(catalog: Catalog) -> Iterator[tuple[str, Loc, str]]:
    """(document id or glossary file, field path, message) for each field with a dead relative link."""
    site = pages.site_pages(catalog)
    docs: list[Entry | Module] = [*catalog.entries.values(), *catalog.modules.values()]
    for doc in docs:
        for loc, text in markdown_fields(doc, []):
            if message := link_problem(text, pages.shown_on(doc, loc), site, catalog.broken):
                yield doc.id, loc, message
    for i, term in enumerate(catalog.glossary):
        for loc, text in markdown_fields(term, ["terms", i]):
            if message := link_problem(text, (pages.GLOSSARY,), site, catalog.broken):
                yield GLOSSARY_FILE, loc, message
