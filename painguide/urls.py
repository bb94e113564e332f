"""Where each entry and module lives on the site: the one place that maps ids to page paths.

The site is built with ``use_directory_urls: false`` (the offline plugin needs it so pages open from
``file://``), so a page ``treatments/medications/acetaminophen.md`` is served as ``….html``.
"""

from __future__ import annotations

from typing import Any

SECTION = {
    "barrier": "barriers",
    "team-question": "support-team",
    "data-element": "support-team/data",
    "topic": "topics",
}


def entry_page(entry: Any) -> str:
    """The Markdown source path of an entry's page (relative to docs/)."""
    if entry.type == "component":
        return f"treatments/{entry.id}/index.md"
    if entry.type == "treatment":
        return f"treatments/{entry.component}/{entry.id}.md"
    return f"{SECTION[entry.type]}/{entry.id}.md"


def patient_page(entry: Any) -> str:
    """A page with only the patient explainer: what a patient lands on and prints."""
    return f"patients/{entry.id}.md"


def module_page(module_id: str, part: str = "index") -> str:
    """A module's page; ``part`` is ``index``, ``handout`` or ``answers``."""
    return f"trainers/{module_id}/{part}.md"


def url(page: str) -> str:
    """The URL path (from the site root) the server answers for a Markdown source path."""
    return "/" + page.removesuffix(".md") + ".html"
