"""The loaded content: entries, modules, sources and glossary, with the queries pages and search share."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from painguide.content.schema import CodeRecord, Entry, Module, Source, Term, TreatmentEntry

SOURCES_FILE = "sources.yaml"
GLOSSARY_FILE = "glossary.yaml"
CODES_FILE = "codes.yaml"  # provenance of the codes no offline package validates (optional)
MODULES_DIR = "modules"


@dataclass
class Catalog:
    root: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    modules: dict[str, Module] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    glossary: list[Term] = field(default_factory=list)
    codes: dict[tuple[str, str], CodeRecord] = field(default_factory=dict)  # (system, code) -> provenance
    paths: dict[str, Path] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)  # ids of files that failed their own checks

    def by_type(self, entry_type: str) -> list[Entry]:
        return sorted((e for e in self.entries.values() if e.type == entry_type), key=_order)

    def treatments_of(self, component: str) -> list[TreatmentEntry]:
        return [e for e in self.by_type("treatment") if isinstance(e, TreatmentEntry) and e.component == component]


def _order(entry: Entry) -> tuple[int, str]:
    # Team questions have a fixed set-up order; everything else reads best alphabetically.
    team = getattr(entry, "team", None)
    return (team.order if team else 0, entry.title.lower())


def modules_in_order(catalog: Catalog) -> list[Module]:
    """Prerequisites first, otherwise by id: the order a group would take them."""
    done: list[Module] = []
    pending = sorted(catalog.modules.values(), key=lambda m: m.id)
    while pending:
        ready = [m for m in pending if all(p in {d.id for d in done} for p in m.prerequisites)] or pending[:1]
        done.append(ready[0])
        pending.remove(ready[0])
    return done
