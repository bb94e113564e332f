"""Passes over the built HTML pages, whichever builder wrote them: the Content-Security-Policy meta tag, and
the check that each page's own ids are its own.

A pass reads and rewrites ``site/**/*.html`` after the builder has run, so it needs no hook inside the builder.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from painguide import csp

# overrides/main.html writes this tag first in <head>; the build puts the policy in.
CSP_PLACEHOLDER = '<meta http-equiv="Content-Security-Policy" content="PAINGUIDE-CSP">'
# Ids a page's own scripts look up in the whole document (Material: its settings; painguide.js reads them too).
# Each must be there exactly once, in <head>, ahead of anything a page body holds.
OWN_IDS = ("__config",)


class PageError(RuntimeError):
    """A built page breaks a rule no content may break (a missing policy, an id the page does not own)."""


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


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
