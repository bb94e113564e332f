"""The page sanitizer: every page body, generated or hand-written, goes through it. Content was checked against
the same allow-lists when it was validated (painguide.content.markup); this is the output side. Markdown outside
the site's pages (tool notes, cartridge pages) is rendered by ``painguide.content.markup.render_markdown``."""

from __future__ import annotations

from painguide.content import markup


def sanitize_page(body: str) -> str:
    """Sanitize the body of a site page (every page, generated or hand-written): no script, no event
    handlers, no script URLs, no base/meta/link, no remote images, no markup in tooltips."""
    return markup.clean(body, page=True)
