"""Entry pages, patient pages, section indexes, the glossary and the sources page, as Markdown.

Every page is Markdown that MkDocs renders, so links between pages are checked by ``--strict``. Plain-text
fields go through ``md_text``; Markdown fields were checked against the sanitizer when they were validated.
Section labels are the schema fields' titles (the same labels editors see in ``guidelines/schema.json``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from pydantic import BaseModel

from painguide import urls
from painguide.content import kinds, reading
from painguide.content.catalog import Catalog
from painguide.content.schema import (
    COMPONENT_IDS,
    ConditionEntry,
    DataElementEntry,
    Entry,
    SourceRef,
    TeamQuestionEntry,
    TreatmentEntry,
)
from painguide.site import markdown, widgets
from painguide.site.markdown import bullets, date, front_matter, indent, link, md_text, numbered, section, tab
from painguide.site.widgets import Slots

DISCLAIMER = (
    '!!! note "For learning, not medical advice"\n'
    "    PainGuide explains options so you can talk about them with your care team. "
    "It does not replace advice from a clinician who knows you. "
    "In an emergency, call 911. If you are thinking about suicide or self-harm, call or text 988."
)
# Fields written out by their own code rather than as a titled Markdown section.
_SPECIAL = {"key_points", "practical_steps", "questions_to_ask"}


def _labelled(model: BaseModel | None, level: int = 2, skip: frozenset[str] = frozenset()) -> list[str]:
    """One section per Markdown field of ``model``, titled with the field's schema title, in schema order."""
    if model is None:
        return []
    out = []
    for name, title, value in reading.layer_fields(model):
        if name not in _SPECIAL and name not in skip and isinstance(value, str):
            out.append(section(title, value, level))
    return out


def _title(model: type[BaseModel], field: str) -> str:
    return model.model_fields[field].title or field


def entry_tags(entry: Entry, catalog: Catalog) -> list[str]:
    tags = [kinds.BY_TYPE[entry.type].label]
    if component := kinds.component_of(entry):
        tags.append(catalog.entries[component].title if component in catalog.entries else component)
    return tags + [kinds.AUDIENCE_TAGS[a] for a in entry.audiences]  # escaped by front_matter


def first_line_options(entry: ConditionEntry, catalog: Catalog) -> str:
    """A condition's first-line options, grouped by treatment component in the task force's order."""
    src = urls.entry_page(entry)
    by_component: dict[str, list[str]] = {}
    for option in entry.clinician.first_line:
        target = catalog.entries[option.entry]
        line = f"[{md_text(target.title)}]({link(src, urls.entry_page(target))}) — {md_text(option.why)}"
        by_component.setdefault(kinds.component_of(target) or "", []).append(line)
    parts = []
    for cid in (*COMPONENT_IDS, ""):
        if lines := by_component.get(cid):
            name = catalog.entries[cid].title if cid in catalog.entries else "Other"
            parts.append(f"**{md_text(name)}**\n\n{bullets(lines)}")
    return "\n\n".join(parts)


def clinician_tab(entry: Entry, catalog: Catalog) -> str:
    c = entry.clinician
    parts = [section(_title(type(c), "key_points"), bullets(c.key_points))]
    shown_first: frozenset[str] = frozenset()
    if isinstance(entry, ConditionEntry):  # assessment and red flags come before the options
        shown_first = frozenset({"assessment"})
        parts.append(section(_title(type(c), "assessment"), entry.clinician.assessment))
        parts.append(section(_title(type(c), "first_line"), first_line_options(entry, catalog)))
    if isinstance(entry, TeamQuestionEntry):
        team = entry.team
        parts += [
            section(reading.TEAM_QUESTION, f"**{md_text(team.question)}**"),
            section(reading.TEAM_LABELS["why_it_matters"], team.why_it_matters),
            section(reading.TEAM_LABELS["options"], bullets(team.options)),
            section(reading.TEAM_LABELS["examples"], bullets(team.examples)),
        ]
    if isinstance(entry, DataElementEntry):
        if calc := entry.calculator:  # the page painguide.site.tools builds from this block
            tool = link(urls.entry_page(entry), urls.tool_page(calc.kind))
            parts.append(f"[Open the {md_text(calc.title)}]({tool}){{ .md-button .md-button--primary }}\n")
        parts += _labelled(entry.measure)
    parts += _labelled(c, skip=shown_first)
    if c.practical_steps:
        parts.append(section(_title(type(c), "practical_steps"), numbered(c.practical_steps)))
    return "\n".join(p for p in parts if p)


def patient_body(entry: Entry, level: int = 2) -> str:
    p = entry.patient
    if p is None:
        return ""
    parts = _labelled(p, level)
    if p.questions_to_ask:
        parts.append(section(_title(type(p), "questions_to_ask"), bullets(map(md_text, p.questions_to_ask)), level))
    return "\n".join(x for x in parts if x)


def trainer_tab(entry: Entry) -> str:
    t = entry.trainer
    objectives = section(
        "Learning objectives",
        "After studying this entry, learners can:\n\n" + bullets(map(md_text, t.learning_objectives)),
    )
    prompts = section("Discussion prompts", bullets(map(md_text, t.discussion_prompts))) if t.discussion_prompts else ""
    return "\n".join(x for x in (objectives, prompts) if x)


def sources_list(src: str, refs: Iterable[SourceRef], catalog: Catalog) -> str:
    lines = []
    for c in reading.citations(refs, catalog):
        source = c.source
        name = f"[{md_text(source.title)}]({markdown.url(source.url)})" if source.url else f"*{md_text(source.title)}*"
        by = f" ({md_text(c.by)})" if c.by else ""
        cite = f". {md_text(source.citation)}" if source.citation else ""
        extra = f" — {md_text(c.locator)}" if c.locator else ""
        about = f"[About this source]({link(src, urls.SOURCES)}#{source.id})"
        lines.append(f"{name}{by}{cite}{extra}. {about}")
    return numbered(lines)


def listing(src: str, entries: Iterable[Entry], page: Callable[[Entry], str] = urls.entry_page) -> str:
    return bullets(f"[{md_text(e.title)}]({link(src, page(e))}) — {md_text(e.summary)}" for e in entries)


def entry_page(entry: Entry, catalog: Catalog) -> str:
    src = urls.entry_page(entry)
    meta = [f"**{kinds.BY_TYPE[entry.type].label}**"]
    if isinstance(entry, TreatmentEntry):  # a component entry is its own component, not "part of" itself
        comp = catalog.entries[entry.component]
        meta.append(f"Part of [{md_text(comp.title)}]({link(src, urls.entry_page(comp))})")
    meta.append(f"Last reviewed {date(entry.reviewed)}")
    if entry.review_due:
        meta.append(f"next review due {date(entry.review_due)}")
    out = [
        front_matter(entry.title, entry.summary, entry_tags(entry, catalog), search={"boost": 2}),
        f"# {md_text(entry.title)}\n",
        f"{md_text(entry.summary)}\n{{: .pg-lead }}\n",
        " · ".join(meta) + "\n{: .pg-meta }\n",
    ]
    if entry.aliases:
        # Visible to readers and indexed by the site search, so lay words find this page.
        out.append(f"**Also called:** {', '.join(map(md_text, entry.aliases))}\n{{: .pg-aliases }}\n")
    tabs = [tab("For clinicians", clinician_tab(entry, catalog))]
    if entry.patient is not None:
        printable = f"[Open the printable patient page]({link(src, urls.patient_page(entry))}){{ .md-button }}\n\n"
        tabs.append(tab("For patients", printable + patient_body(entry)))
    tabs.append(tab("For trainers", trainer_tab(entry)))
    out.append("\n".join(tabs))
    if entry.type == "component":
        out.append(section("Treatment options", listing(src, catalog.treatments_of(entry.id)), 2))
    if entry.related:
        out.append(section("Related", listing(src, [catalog.entries[r] for r in entry.related]), 2))
    out.append(section("Sources", sources_list(src, entry.sources, catalog), 2))
    return "\n".join(out)


def patient_page(entry: Entry, slots: Slots) -> str:
    src = urls.patient_page(entry)
    title = f"{entry.title}: for patients"
    return "\n".join(
        [
            front_matter(title, entry.summary, [kinds.AUDIENCE_TAGS["patient"]], search={"boost": 1.5}),
            f"# {md_text(title)}\n",
            slots.put(widgets.render("print.html", label="Print this page", hidden=True)),
            patient_body(entry, 2),
            DISCLAIMER + "\n",
            f"Last reviewed {date(entry.reviewed)}. "
            f"[More detail for clinicians and trainers]({link(src, urls.entry_page(entry))}).\n"
            "{: .pg-meta }\n",
        ]
    )


# --- section indexes -------------------------------------------------------------------------------------


def treatments_index(kind: kinds.EntryKind, catalog: Catalog) -> str:
    """The components in the task force's order, each with its treatment options."""
    src = urls.section_index(kind.type)
    out = [
        front_matter(kind.index_title, kind.index_intro),
        f"# {kind.index_title}\n",
        "The HHS Pain Management Best Practices Inter-Agency Task Force describes five components of "
        "pain care. Most people do best with a plan that combines several of them.\n",
    ]
    for cid in COMPONENT_IDS:
        if comp := catalog.entries.get(cid):
            out.append(
                section(
                    f"[{md_text(comp.title)}]({link(src, urls.entry_page(comp))})",
                    md_text(comp.summary) + "\n\n" + listing(src, catalog.treatments_of(cid)),
                    2,
                )
            )
    return "\n".join(out)


def simple_index(kind: kinds.EntryKind, catalog: Catalog) -> str:
    src = urls.section_index(kind.type)
    return "\n".join(
        [
            front_matter(kind.index_title, kind.index_intro),
            f"# {kind.index_title}\n",
            kind.index_intro + "\n",
            listing(src, catalog.by_type(kind.type)),
        ]
    )


def support_team_index(kind: kinds.EntryKind, catalog: Catalog) -> str:
    """The support-team questions in their set-up order, then the data elements the team reviews."""
    src = urls.section_index(kind.type)
    questions = [q for q in catalog.by_type(kind.type) if isinstance(q, TeamQuestionEntry)]
    return "\n".join(
        [
            front_matter(kind.index_title, kind.index_intro),
            "# Build a Chronic Pain Management Support Team\n",
            "Work through these questions in order. Each answer shapes the next.\n",
            numbered(
                f"[{md_text(q.team.question)}]({link(src, urls.entry_page(q))}) — {md_text(q.summary)}"
                for q in questions
            ),
            section(
                "Data the team reviews",
                f"The [data elements]({link(src, urls.section_index('data-element'))}) a team may track, "
                "with how each is scored and its limits.\n\n" + listing(src, catalog.by_type("data-element")),
                2,
            ),
        ]
    )


# How each index style lists its kind (painguide.content.kinds.IndexStyle).
INDEXES: dict[kinds.IndexStyle, Callable[[kinds.EntryKind, Catalog], str]] = {
    "simple": simple_index,
    "treatments": treatments_index,
    "support-team": support_team_index,
}


def patient_groups(catalog: Catalog) -> list[tuple[str, list[Entry]]]:
    """The patients' index: treatments by component in plain words, then the kinds with a patient group."""
    readable = [e for e in catalog.entries.values() if e.patient is not None]
    groups: list[tuple[str, list[Entry]]] = [
        (heading, [e for e in readable if isinstance(e, TreatmentEntry) and e.component == cid])
        for cid, heading in kinds.COMPONENT_PATIENT_GROUPS.items()
    ]
    groups += [(k.patient_group, [e for e in readable if e.type == k.type]) for k in kinds.KINDS if k.patient_group]
    return [(heading, sorted(chosen, key=lambda e: e.title.lower())) for heading, chosen in groups if chosen]


def patients_index(catalog: Catalog) -> str:
    src = urls.PATIENTS_INDEX
    out = [
        front_matter("For patients", "Plain-language guides to pain care options.", [kinds.AUDIENCE_TAGS["patient"]]),
        "# For patients\n",
        "These guides explain pain care in plain words. Each one can be printed. "
        "Take it to your next visit and talk it over with your care team.\n",
        DISCLAIMER + "\n",
    ]
    for heading, chosen in patient_groups(catalog):
        out.append(section(heading, listing(src, chosen, urls.patient_page), 2))
    return "\n".join(out)


def glossary_page(catalog: Catalog) -> str:
    out = [front_matter("Glossary", "Pain care terms and abbreviations in plain words."), "# Glossary\n"]
    for term in sorted(catalog.glossary, key=lambda t: t.term.lower()):
        names = ", ".join(map(md_text, [*term.abbreviations, *term.synonyms]))
        more = f"\n\n    Also: {names}" if names else ""
        see = ""
        if term.entry and term.entry in catalog.entries:
            target = catalog.entries[term.entry]
            see = f"\n\n    See [{md_text(target.title)}]({link(urls.GLOSSARY, urls.entry_page(target))})."
        out.append(f"{md_text(term.term)}\n:   {indent(term.definition).strip()}{more}{see}\n")
    return "\n".join(out)


def sources_page(catalog: Catalog) -> str:
    out = [
        front_matter("Sources", "The documents PainGuide entries cite."),
        "# Sources\n",
        "Every entry cites one or more of these documents. We list only real, published documents.\n",
    ]
    for source in catalog.sources.values():
        lines = [f"## {md_text(source.title)} {{ #{source.id} }}\n"]
        for label, value in (
            ("Author", source.author and md_text(source.author)),
            ("Publisher", source.publisher and md_text(source.publisher)),
            ("Year", source.year),
            ("Citation", source.citation and md_text(source.citation)),
            ("Seed file", f"`{source.file}`" if source.file else None),
            ("Link", f"<{markdown.url(source.url)}>" if source.url else None),
            ("About", source.note and md_text(source.note)),
        ):
            if value:
                lines.append(f"- **{label}:** {value}")
        citing = sum(1 for e in catalog.entries.values() if any(r.id == source.id for r in e.sources))
        lines.append(f"- **Cited by:** {citing} entries")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def abbreviations(catalog: Catalog) -> str:
    """Markdown abbreviation definitions: the site shows them as the browser's own tooltips."""
    lines = []
    for term in catalog.glossary:
        for abbr in term.abbreviations:
            if abbr.replace("-", "").replace("/", "").isalnum() and any(ch.isupper() for ch in abbr):
                lines.append(f"*[{abbr}]: {term.term}")  # plain text: no markup, no newline (schema)
    return "\n".join(dict.fromkeys(lines))


def find_form(catalog: Catalog) -> str:
    """The "Find guidance" form of the hand-written find page (docs/find.md holds its slot)."""
    components = [(cid, catalog.entries[cid].title if cid in catalog.entries else cid) for cid in COMPONENT_IDS]
    return widgets.render(
        "find.html",
        max_length=kinds.MAX_QUERY_LENGTH,
        types=list(kinds.TYPE_LABELS.items()),
        components=components,
        audiences=list(kinds.AUDIENCE_LABELS.items()),
    )


def generate(catalog: Catalog, slots: Slots) -> Iterator[tuple[str, str]]:
    """Every entry-side page as (docs-relative path, Markdown); widgets go into ``slots``."""
    for entry in catalog.entries.values():
        yield urls.entry_page(entry), entry_page(entry, catalog)
        if entry.patient is not None:
            yield urls.patient_page(entry), patient_page(entry, slots)
    for kind in kinds.KINDS:
        if kind.index is not None:
            yield urls.section_index(kind.type), INDEXES[kind.index](kind, catalog)
    yield urls.PATIENTS_INDEX, patients_index(catalog)
    yield urls.GLOSSARY, glossary_page(catalog)
    yield urls.SOURCES, sources_page(catalog)
