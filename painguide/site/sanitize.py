"""The page sanitizer: every page body, generated or hand-written, goes through it. Content was checked against
the same allow-lists when it was validated (painguide.content.markup); this is the output side."""

from __future__ import annotations

from functools import lru_cache

import markdown as md

from painguide.content import markup


@lru_cache(maxsize=4096)
def markdown_to_html(text: str) -> str:
    """Render entry Markdown for API clients; raw HTML is reduced to the safe subset."""
    return markup.clean(md.markdown(text, extensions=["sane_lists", "tables"]), page=False)


def sanitize_page(body: str) -> str:
    """Sanitize the body of a site page (every page, generated or hand-written): no script, no event
    handlers, no script URLs, no base/meta/link, no remote images, no markup in tooltips."""
    return markup.clean(body, page=True)
