"""Which pages the site has, and on which of them each piece of content is shown: the docs-relative ``.md``
source paths (``painguide.urls`` re-exports the path rules and turns them into URLs).

Validation checks the relative links in Markdown fields against these pages, so a link to a page that does not
exist is a located error instead of a dead link in the build (raw HTML) or a strict-mode MkDocs abort after
``validate`` said all valid (a Markdown ``.md`` link). tests/content/test_links.py checks that this set is
exactly what painguide.site generates plus the hand-written pages in docs/.
"""

from __future__ import annotations

from collections.abc import Sequence

from painguide.content import instruments, kinds
from painguide.content.catalog import Catalog
from painguide.content.schema import ComponentEntry, Entry, Module, TeamQuestionEntry, TreatmentEntry

# The hand-written pages (docs/*.md): validation is given a content tree, not the site configuration, so they
# are listed here; a test fails when docs/ and this list differ.
HOME = "index.md"
ABOUT = "about.md"
FIND = "find.md"
API = "api.md"
TAGS = "tags.md"
HAND_WRITTEN = (HOME, ABOUT, FIND, API, TAGS)
# ... and the fixed pages painguide.site generates.
TOOLS_INDEX = "tools/index.md"
TOOLS_PLANNER = "tools/support-team-planner.md"
GLOSSARY = "glossary.md"
SOURCES = "sources.md"
PATIENTS_INDEX = "patients/index.md"
TRAINERS_INDEX = "trainers/index.md"
TRAINERS_ASSIGN = "trainers/assign.md"
MODULE_PARTS = ("index", "handout", "answers")
# The whole curriculum's cartridge, on the trainers' index (site-root relative, like module_file).
CURRICULUM_FILE = "trainers/painguide-curriculum.imscc"


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


def tool_page(kind: str) -> str:
    """A calculator's page: the calculator kind is the page name (tools/mme.md, tools/phq-9.md...)."""
    return f"tools/{kind}.md"


def site_pages(catalog: Catalog) -> set[str]:
    """Every page a build of ``catalog`` has, hand-written and generated."""
    pages = {*HAND_WRITTEN, GLOSSARY, SOURCES, PATIENTS_INDEX, TRAINERS_INDEX, TRAINERS_ASSIGN}
    pages |= {TOOLS_INDEX, TOOLS_PLANNER, *map(tool_page, instruments.KINDS)}  # every build has all tool pages
    pages |= {section_index(kind.type) for kind in kinds.KINDS}
    for entry in catalog.entries.values():
        pages.add(entry_page(entry))
        if entry.patient is not None:
            pages.add(patient_page(entry))
    pages |= {module_page(m, part) for m in catalog.modules for part in MODULE_PARTS}
    return pages


def shown_on(doc: Entry | Module, loc: Sequence[str | int]) -> tuple[str, ...]:
    """The pages that show the field at ``loc`` of a document; relative links in it must work from each.

    A module's three pages share one folder. An entry's patient explainer is also its printable patient page
    (another folder depth), a team question's guidance and options are also on the planner, and a data
    element's calculator block is shown only on its tool page (painguide.site.entries, .curriculum, .tools).
    """
    if isinstance(doc, Module):
        return (module_page(doc.id),)
    top, below = (loc[0], loc[1] if len(loc) > 1 else None) if loc else (None, None)
    if top == "calculator" and (calc := getattr(doc, "calculator", None)) is not None:
        return (tool_page(calc.kind),)
    if top == "patient":
        return (entry_page(doc), patient_page(doc))
    if top == "team" and below in ("why_it_matters", "options") and isinstance(doc, TeamQuestionEntry):
        return (entry_page(doc), TOOLS_PLANNER)
    return (entry_page(doc),)
