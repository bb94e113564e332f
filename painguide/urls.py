"""Where each entry, module, fixed page and download lives on the site: the path rules (painguide.content.pages)
re-exported, and turned into URLs.

The site is built with ``use_directory_urls: false`` (the offline plugin needs it so pages open from
``file://``), so a page ``treatments/medications/acetaminophen.md`` is served as ``….html``.
"""

from __future__ import annotations

# The path rules live with the content (validation checks links against them); re-exported here, where every
# other part looks them up.
from painguide.content.pages import ABOUT as ABOUT
from painguide.content.pages import API as API
from painguide.content.pages import CURRICULUM_FILE as CURRICULUM_FILE
from painguide.content.pages import FIND as FIND
from painguide.content.pages import GLOSSARY as GLOSSARY
from painguide.content.pages import HOME as HOME
from painguide.content.pages import PATIENTS_INDEX as PATIENTS_INDEX
from painguide.content.pages import SOURCES as SOURCES
from painguide.content.pages import TAGS as TAGS
from painguide.content.pages import TOOLS_INDEX as TOOLS_INDEX
from painguide.content.pages import TOOLS_PLANNER as TOOLS_PLANNER
from painguide.content.pages import TRAINERS_ASSIGN as TRAINERS_ASSIGN
from painguide.content.pages import TRAINERS_INDEX as TRAINERS_INDEX
from painguide.content.pages import entry_page as entry_page
from painguide.content.pages import module_file as module_file
from painguide.content.pages import module_page as module_page
from painguide.content.pages import patient_page as patient_page
from painguide.content.pages import section_index as section_index
from painguide.content.pages import tool_page as tool_page


def url(page: str) -> str:
    """The URL path (from the site root) the server answers for a Markdown source path."""
    return "/" + page.removesuffix(".md") + ".html"


def relative_url(src: str, page: str) -> str:
    """The .html link from page ``src`` to ``page`` (both docs-relative .md paths), for raw HTML and JSON."""
    import posixpath

    return posixpath.relpath(page, posixpath.dirname(src) or ".").removesuffix(".md") + ".html"
