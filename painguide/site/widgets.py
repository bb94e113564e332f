"""Interactive markup (the knowledge check, the assignment builder, the find form, print buttons) from Jinja2
templates with autoescaping, placed into pages *after* the page sanitizer has run.

Content may never produce a form, a button or a non-radio input: the page sanitizer removes them. The
site's own widgets are therefore not part of the Markdown MkDocs renders; a page carries a slot marker
instead, ``<div data-pg-slot="NONCE:N"></div>``, and ``Slots.fill`` swaps each marker for its widget once the
page body has been sanitized. The nonce is new for every build, so content cannot name a slot.
"""

from __future__ import annotations

import re
import secrets
from functools import cache
from typing import Any

import jinja2

# Slots hand-written pages (docs/*.md) may use by name: they are not content, and no content reaches them
# except the glossary's abbreviations (plain text).
FIXED = ("find",)
_MARKER = re.compile(r'<div data-pg-slot="(?P<key>[A-Za-z0-9:_-]+)"></div>')


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("painguide.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )


def render(template: str, **values: Any) -> str:
    return _environment().get_template(template).render(**values)


class Slots:
    """The widgets of one build, by marker."""

    def __init__(self, fixed: dict[str, str] | None = None) -> None:
        self._nonce = secrets.token_hex(8)
        self._html: dict[str, str] = {}
        self._fixed = {name: html for name, html in (fixed or {}).items() if name in FIXED}

    def put(self, html: str) -> str:
        """A marker to write into a page's Markdown (a raw HTML block: keep it on its own lines)."""
        key = f"{self._nonce}:{len(self._html)}"
        self._html[key] = html
        return f'\n\n<div data-pg-slot="{key}"></div>\n\n'

    def fill(self, body: str, *, hand_written: bool) -> str:
        """Replace the markers of a sanitized page body by their widgets (fixed names on hand-written pages)."""

        def widget(match: re.Match[str]) -> str:
            key = match.group("key")
            if key in self._html:
                return self._html[key]
            if hand_written and key in self._fixed:
                return self._fixed[key]
            return ""  # an unknown marker (stale, or written by content): nothing

        return _MARKER.sub(widget, body)
