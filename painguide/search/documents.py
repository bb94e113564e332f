"""What the index is built from: one ``IndexDocument`` per entry and module, and the glossary's synonyms."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Literal, TypedDict

from painguide import urls
from painguide.content import walk
from painguide.content.catalog import Catalog
from painguide.content.kinds import component_of
from painguide.content.schema import EntryModel, Module
from painguide.search.analysis import normalize


class IndexDocument(TypedDict):
    """One entry or module as ``build_index`` takes it: plain strings, one per index field, plus the
    audience layers (``LAYERS``), which build_index folds into the one ``body`` field."""

    id: str
    type: str
    component: str  # "" when none
    audience: str  # comma-separated
    tag: str  # comma-separated
    url: str
    title: str
    aliases: str  # " ; "-separated
    summary: str
    clinician: str
    patient: str
    trainer: str


Layer = Literal["clinician", "patient", "trainer"]
LAYERS: tuple[Layer, ...] = ("clinician", "patient", "trainer")
# The keys written to the index as they are (`patient` is also searched alone, and stored for snippets).
IndexedKey = Literal["id", "type", "component", "audience", "tag", "url", "title", "aliases", "summary", "patient"]
INDEXED_KEYS: tuple[IndexedKey, ...] = (
    "id",
    "type",
    "component",
    "audience",
    "tag",
    "url",
    "title",
    "aliases",
    "summary",
    "patient",
)
ALIAS_SEPARATOR = " ; "


def _text(value: Any) -> str:
    return "\n".join(walk.texts(value))


def entry_document(entry: EntryModel, extra_aliases: Iterable[str] = ()) -> IndexDocument:
    data = entry.model_dump(mode="json", exclude_none=True)
    clinician = [data["clinician"], data.get("team"), data.get("measure")]
    return {
        "id": entry.id,
        "type": entry.type,
        # a component's own page is part of its component, so filtering by component finds it
        "component": component_of(entry) or "",
        "audience": ",".join(entry.audiences),
        "tag": ",".join(entry.tags),
        "url": urls.url(urls.entry_page(entry)),
        "title": entry.title,
        "aliases": ALIAS_SEPARATOR.join([*entry.aliases, *extra_aliases]),
        "summary": entry.summary,
        "clinician": _text(clinician),
        "patient": _text(data.get("patient")),
        "trainer": _text(data["trainer"]),
    }


def module_document(module: Module) -> IndexDocument:
    data = module.model_dump(mode="json", exclude_none=True)
    return {
        "id": module.id,
        "type": "module",
        "component": "",
        "audience": "trainer",
        "tag": ",".join(module.audiences),
        "url": urls.url(urls.module_page(module.id)),
        "title": module.title,
        "aliases": "",
        "summary": module.summary,
        "clinician": _text([data["vignette"], data["questions"]]),
        "patient": "",
        "trainer": _text([data["objectives"], data["lessons"], data["assignment"]]),
    }


def catalog_documents(catalog: Catalog) -> Iterator[IndexDocument]:
    # Glossary terms that point at an entry become extra aliases of it (e.g. "pain contract").
    extra: dict[str, list[str]] = {}
    for term in catalog.glossary:
        if term.entry:
            extra.setdefault(term.entry, []).extend([term.term, *term.abbreviations, *term.synonyms])
    for entry in catalog.entries.values():
        yield entry_document(entry, extra.get(entry.id, ()))
    for module in catalog.modules.values():
        yield module_document(module)


def synonym_groups(catalog: Catalog) -> list[list[str]]:
    """Equivalent names from the glossary (term, abbreviations, synonyms), normalized."""
    groups = []
    for term in catalog.glossary:
        names = {normalize(n) for n in [term.term, *term.abbreviations, *term.synonyms]}
        names.discard("")
        if len(names) > 1:
            groups.append(sorted(names))
    return groups
