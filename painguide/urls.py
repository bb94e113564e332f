"""Where each entry, module, fixed page and download lives on the site: the one place that maps ids to paths.

The site is built with ``use_directory_urls: false`` (the offline plugin needs it so pages open from
``file://``), so a page ``treatments/medications/acetaminophen.md`` is served as ``….html``.
"""

from __future__ import annotations

from painguide.content import kinds
from painguide.content.schema import ComponentEntry, Entry, TreatmentEntry


def entry_page(entry: Entry) -> str:
    """The Markdown source path of an entry's page (relative to docs/)."""
    if isinstance(entry, ComponentEntry):
        return f"{kinds.BY_TYPE['component'].section}/{entry.id}/index.md"
    if isinstance(entry, TreatmentEntry):
        return f"{kinds.BY_TYPE['treatment'].section}/{entry.component}/{entry.id}.md"
    return f"{kinds.BY_TYPE[entry.type].section}/{entry.id}.md"


def section_index(entry_type: str) -> str:
    """The index page of a kind's section."""
    return f"{kinds.BY_TYPE[entry_type].section}/index.md"


def patient_page(entry: Entry) -> str:
    """A page with only the patient explainer: what a patient lands on and prints."""
    return f"patients/{entry.id}.md"


def module_page(module_id: str, part: str = "index") -> str:
    """A module's page; ``part`` is ``index``, ``handout`` or ``answers``."""
    return f"trainers/{module_id}/{part}.md"


def module_file(module_id: str, suffix: str) -> str:
    """Where a module's LMS download lives: ``trainers/<id>/<id>.imscc`` (or ``.gift``), beside its page."""
    return f"trainers/{module_id}/{module_id}.{suffix}"


# The whole curriculum's cartridge, on the trainers' index (site-root relative, like module_file).
CURRICULUM_FILE = "trainers/painguide-curriculum.imscc"

# Fixed pages: generated (painguide.site) ...
PATIENTS_INDEX = "patients/index.md"
TRAINERS_INDEX = "trainers/index.md"
TRAINERS_ASSIGN = "trainers/assign.md"
GLOSSARY = "glossary.md"
SOURCES = "sources.md"
# ... and hand-written in docs/.
HOME = "index.md"
FIND = "find.md"
TAGS = "tags.md"
API = "api.md"
ABOUT = "about.md"
TOOLS_INDEX = "tools/index.md"
TOOLS_PLANNER = "tools/support-team-planner.md"


def tool_page(kind: str) -> str:
    """A calculator's page: the calculator kind is the page name (tools/mme.md, tools/phq-9.md...)."""
    return f"tools/{kind}.md"


def url(page: str) -> str:
    """The URL path (from the site root) the server answers for a Markdown source path."""
    return "/" + page.removesuffix(".md") + ".html"


def relative_url(src: str, page: str) -> str:
    """The .html link from page ``src`` to ``page`` (both docs-relative .md paths), for raw HTML and JSON."""
    import posixpath

    return posixpath.relpath(page, posixpath.dirname(src) or ".").removesuffix(".md") + ".html"
