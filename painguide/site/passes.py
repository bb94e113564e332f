"""Passes over the built site, whichever builder wrote it: each page body sanitized and its widgets filled,
Material's lunr index trimmed, the inline scripts' hashes and the Content-Security-Policy meta tag, and the
check that each page's own ids are its own.

A pass reads and rewrites ``site/**/*.html`` after the builder has run, so it needs no hook inside the builder.
The page body (the rendered Markdown, without the theme's chrome) is found between two HTML comments that
``painguide.site.staging`` writes around each page's Markdown: content cannot write a comment (validation
refuses raw HTML it would lose, comments included), and the markers carry a nonce that is new for every
build, like the widget slots'.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import secrets
import shutil
from collections.abc import Mapping
from pathlib import Path

from painguide import csp
from painguide.site.sanitize import sanitize_page
from painguide.site.search_index import LUNR_INDEX, MATERIAL_INDEX
from painguide.site.widgets import Slots

# overrides/main.html writes this tag first in <head>; the build puts the policy in.
CSP_PLACEHOLDER = '<meta http-equiv="Content-Security-Policy" content="PAINGUIDE-CSP">'
# Ids a page's own scripts look up in the whole document (Material: its settings; painguide.js reads them too).
# Each must be there exactly once, in <head>, ahead of anything a page body holds.
OWN_IDS = ("__config",)


class PageError(RuntimeError):
    """A built page breaks a rule no content may break (a missing policy, an id the page does not own)."""


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# The level-1 heading a page's Markdown starts with (ATX: one line), and its rendered start tag.
_H1_LINE = re.compile(r"#[ \t]+\S")
_H1_TAG = re.compile(r"<h1[\s>]", re.IGNORECASE)
_BREAKS_AFTER, _BREAKS_BEFORE = re.compile(r"\A\n{1,2}"), re.compile(r"\n{1,2}\Z")


class Bodies:
    """The page-body markers of one build."""

    def __init__(self) -> None:
        nonce = secrets.token_hex(8)
        self.start, self.end = f"<!--pg-body:{nonce}-->", f"<!--/pg-body:{nonce}-->"

    def wrap(self, markdown: str) -> str | None:
        """``markdown`` with the markers, each a raw HTML block of its own, or None unless it starts with its
        level-1 heading. The start marker goes right after that heading, not ahead of it: as the first element
        it would hide the heading from a builder's title detection (MkDocs looks at the first element only), and
        the blank text after it would give Material's search index an empty preface section for every page."""
        heading, _, rest = markdown.partition("\n")
        if not _H1_LINE.match(heading):
            return None
        return f"{heading}\n\n{self.start}\n\n{rest}\n\n{self.end}\n"

    def split(self, page: str) -> tuple[str, str, str] | None:
        """(before, body, after) of a built page, or None unless each marker is there once, in order, with the
        page's level-1 heading right before the start marker. The body is that heading and what lies between
        the markers, which go with exactly the line breaks Python-Markdown writes for them (a raw HTML block's
        own and the one between two blocks: tests/site/test_passes.py checks every kind of first and last
        block). Only what a theme plugin puts in after rendering can lose a line break: Material's tags listing,
        the last block of tags.md, loses its final one (whitespace before </article>)."""
        if page.count(self.start) != 1 or page.count(self.end) != 1:
            return None
        head, rest = page.split(self.start)
        if self.end not in rest or not head.rstrip().lower().endswith("</h1>"):
            return None
        inner, after = rest.split(self.end)
        heading = [m.start() for m in _H1_TAG.finditer(head)]
        if not heading:
            return None
        inner = _BREAKS_AFTER.sub("", inner, count=1)
        inner = _BREAKS_BEFORE.sub("", inner, count=1)
        return head[: heading[-1]], head[heading[-1] :] + inner, after


def page_bodies(site: Path, pages: Mapping[str, bool], bodies: Bodies, slots: Slots) -> dict[str, str]:
    """Sanitize the body of every page (``pages``: site-relative HTML path -> hand-written) and then put the
    site's own widgets into it (hand-written pages get only the fixed ones). Returns the finished bodies by
    page; a page that is missing, or whose markers are missing or repeated, fails the build."""
    wrong, finished = [], {}
    for name, hand_written in sorted(pages.items()):
        path = site / name
        parts = bodies.split(path.read_text(encoding="utf-8")) if path.is_file() else None
        if parts is None:
            wrong.append(name if path.is_file() else f"{name} (not built)")
            continue
        before, body, after = parts
        finished[name] = slots.fill(sanitize_page(body), hand_written=hand_written)
        path.write_text(before + finished[name] + after, encoding="utf-8")
    if wrong:
        raise PageError(f"{len(wrong)} page(s) without their body markers once each: {wrong[:5]}")
    return finished


def trim_search_index(site: Path) -> bool:
    """Move Material's full lunr index to ``LUNR_INDEX`` and leave only its config in ``MATERIAL_INDEX`` (and
    in the offline plugin's inlined copy, ``search_index.js``). False when the builder wrote no lunr index."""
    index = site / MATERIAL_INDEX
    if not index.is_file():
        return False
    shutil.copyfile(index, site / LUNR_INDEX)
    config = json.loads(index.read_text(encoding="utf-8")).get("config", {})
    trimmed = json.dumps({"config": config, "docs": []})
    index.write_text(trimmed, encoding="utf-8")
    inlined = index.with_suffix(".js")
    if inlined.is_file():  # Material's offline plugin: `var __index = <search_index.json>`
        inlined.write_text(f"var __index = {trimmed}", encoding="utf-8")
    return True


# Inline <script> elements that run (not JSON data blocks): Material's small bootstrap scripts.
_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE)


def inline_script_hashes(site: Path) -> list[str]:
    """CSP source expressions ('sha256-...') for every distinct inline script in the built pages.

    Material's bootstrap script embeds the page's relative base URL, so there is one hash per directory
    depth plus a few constant ones (tabs, palette): 9 for this site. Everything else is an external file.
    """
    found: set[str] = set()
    for page in _pages(site):
        for match in _INLINE_SCRIPT.finditer(page.read_text(encoding="utf-8")):
            attrs = match.group("attrs").lower()
            if "src=" in attrs or "application/json" in attrs:
                continue
            digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
            found.add("'sha256-" + base64.b64encode(digest).decode() + "'")
    return sorted(found)


def content_security_policy(site: Path, script_hashes: list[str]) -> int:
    """Put the page policy (without frame-ancestors, which a meta tag cannot carry) into every page.
    Returns the number of pages; a page without the placeholder fails the build."""
    policy = html.escape(csp.page_policy(script_hashes, None), quote=False).replace('"', "&quot;")
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    missing = []
    pages = _pages(site)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        if text.count(CSP_PLACEHOLDER) != 1:
            missing.append(page.relative_to(site).as_posix())
            continue
        page.write_text(text.replace(CSP_PLACEHOLDER, tag), encoding="utf-8")
    if missing:
        raise PageError(f"{len(missing)} page(s) without the CSP meta tag of overrides/main.html: {missing[:5]}")
    return len(pages)


def _id_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"""\sid\s*=\s*["']?{re.escape(name)}(?=["'\s>])""", re.IGNORECASE)


_OWN = {name: _id_pattern(name) for name in OWN_IDS}


def check_own_ids(site: Path) -> None:
    """Every page has each of its own ids once, inside <head>: no element of the page body can shadow it."""
    wrong = []
    for page in _pages(site):
        text = page.read_text(encoding="utf-8")
        head_end = text.find("</head>")
        for name, pattern in _OWN.items():
            found = [m.start() for m in pattern.finditer(text)]
            if len(found) != 1 or not 0 <= found[0] < head_end:
                wrong.append(f"{page.relative_to(site).as_posix()}: #{name} found {len(found)} time(s)")
    if wrong:
        raise PageError("a page id is not the page's own: " + "; ".join(wrong[:5]))
