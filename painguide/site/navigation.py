"""The site navigation, in reading order (MkDocs would otherwise sort alphabetically).

The entry groups come from the kind registry (painguide.content.kinds): each kind with a section index heads a
group, labelled and placed by its row, so a new kind appears here with no edit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from painguide import urls
from painguide.content import kinds
from painguide.content.catalog import Catalog, modules_in_order
from painguide.content.schema import COMPONENT_IDS, Entry
from painguide.site.markdown import nav_label

NavItem = str | dict[str, Any]


def _pages(entries: Sequence[Entry], page: Callable[[Entry], str] = urls.entry_page) -> list[NavItem]:
    return [{nav_label(e.title): page(e)} for e in entries]


def _group(kind: kinds.EntryKind, catalog: Catalog) -> list[NavItem]:
    """A kind's navigation group: its section index, its pages, then the groups nested inside it."""
    items: list[NavItem] = [urls.section_index(kind.type)]
    if kind.index == "treatments":  # each component heads its own treatments
        for cid in COMPONENT_IDS:
            if comp := catalog.entries.get(cid):
                items.append({nav_label(comp.title): [urls.entry_page(comp), *_pages(catalog.treatments_of(cid))]})
    else:
        items += _pages(catalog.by_type(kind.type))
    items += [{kinds.nav_title(child): _group(child, catalog)} for child in kinds.nav_children(kind.type)]
    return items


def _trainers(catalog: Catalog) -> list[NavItem]:
    items: list[NavItem] = [urls.TRAINERS_INDEX, {"Assignment builder": urls.TRAINERS_ASSIGN}]
    for m in modules_in_order(catalog):
        items.append(
            {
                nav_label(m.title): [
                    urls.module_page(m.id),
                    {"Learner handout": urls.module_page(m.id, "handout")},
                    {"Answer key": urls.module_page(m.id, "answers")},
                ]
            }
        )
    return items


def _tools() -> list[NavItem]:
    # The pages of painguide.site.tools (every build has all of them, with or without calculator blocks).
    items: list[NavItem] = [urls.TOOLS_INDEX]
    items += [{tool.nav_label: urls.tool_page(tool.kind)} for tool in kinds.TOOLS]
    return [*items, {"Support-team planner": urls.TOOLS_PLANNER}]


def nav(catalog: Catalog) -> list[NavItem]:
    readable = sorted((e for e in catalog.entries.values() if e.patient is not None), key=lambda e: e.title.lower())
    return [
        {"Home": urls.HOME},
        *({kinds.nav_title(kind): _group(kind, catalog)} for kind in kinds.nav_kinds()),
        {"For patients": [urls.PATIENTS_INDEX, *_pages(readable, urls.patient_page)]},
        {"For trainers": _trainers(catalog)},
        {"Tools": _tools()},
        {
            "Reference": [
                {"Find guidance": urls.FIND},
                {"Glossary": urls.GLOSSARY},
                {"Sources": urls.SOURCES},
                {"Tags": urls.TAGS},
                {"Using the API": urls.API},
                {"About": urls.ABOUT},
            ]
        },
    ]
