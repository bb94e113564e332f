"""The site navigation, in reading order (MkDocs would otherwise sort alphabetically)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from painguide import urls
from painguide.content.catalog import Catalog, modules_in_order
from painguide.content.schema import COMPONENT_IDS, Entry
from painguide.site.markdown import nav_label

NavItem = str | dict[str, Any]


def _pages(entries: Sequence[Entry], page: Callable[[Entry], str] = urls.entry_page) -> list[NavItem]:
    return [{nav_label(e.title): page(e)} for e in entries]


def _trainers(catalog: Catalog) -> list[NavItem]:
    items: list[NavItem] = ["trainers/index.md", {"Assignment builder": "trainers/assign.md"}]
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
    labels = {"mme": "MME calculator", "peg": "PEG score", "phq-9": "PHQ-9", "ort-oud": "ORT-OUD"}
    items: list[NavItem] = [urls.TOOLS_INDEX]
    items += [{label: urls.tool_page(kind)} for kind, label in labels.items()]
    return [*items, {"Support-team planner": urls.TOOLS_PLANNER}]


def nav(catalog: Catalog) -> list[NavItem]:
    treatments: list[NavItem] = [urls.section_index("treatment")]
    for cid in COMPONENT_IDS:
        if comp := catalog.entries.get(cid):
            treatments.append({nav_label(comp.title): [urls.entry_page(comp), *_pages(catalog.treatments_of(cid))]})
    readable = sorted((e for e in catalog.entries.values() if e.patient is not None), key=lambda e: e.title.lower())
    support: list[NavItem] = [urls.section_index("team-question"), *_pages(catalog.by_type("team-question"))]
    support.append({"Data elements": [urls.section_index("data-element"), *_pages(catalog.by_type("data-element"))]})
    return [
        {"Home": "index.md"},
        {"Treatments": treatments},
        {"Barriers to care": [urls.section_index("barrier"), *_pages(catalog.by_type("barrier"))]},
        {"Support team": support},
        {"Conditions": [urls.section_index("condition"), *_pages(catalog.by_type("condition"))]},
        {"Special populations": [urls.section_index("population"), *_pages(catalog.by_type("population"))]},
        {"Topics": [urls.section_index("topic"), *_pages(catalog.by_type("topic"))]},
        {"For patients": ["patients/index.md", *_pages(readable, urls.patient_page)]},
        {"For trainers": _trainers(catalog)},
        {"Tools": _tools()},
        {
            "Reference": [
                {"Find guidance": "find.md"},
                {"Glossary": "glossary.md"},
                {"Sources": "sources.md"},
                {"Tags": "tags.md"},
                {"Using the API": "api.md"},
                {"About": "about.md"},
            ]
        },
    ]
