"""Site pages generated from the catalog at build time (the MkDocs hooks add them; none is committed).

Every page is Markdown that MkDocs renders, so links between pages are checked by `--strict`.
Content text is Markdown from the YAML; text placed inside raw HTML (quiz, builder) is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import posixpath
import re
from collections.abc import Iterable, Iterator
from typing import Any

from painguide import urls, widgets
from painguide.catalog import Catalog
from painguide.schema import AUDIENCES, COMPONENT_IDS
from painguide.widgets import Slots

TYPE_LABEL = {
    "component": "Treatment component",
    "treatment": "Treatment option",
    "barrier": "Barrier to care",
    "team-question": "Support team question",
    "data-element": "Data element",
    "topic": "Topic",
    "module": "Curriculum module",
}
AUDIENCE_TAG = {"clinician": "For clinicians", "patient": "For patients", "trainer": "For trainers"}
AUDIENCE_LABEL = {"clinician": "Clinicians", "patient": "Patients", "trainer": "Trainers"}
CLINICIAN_FIELDS = (
    ("how_it_is_used", "How it is used"),
    ("benefits", "Benefits"),
    ("risks", "Risks and cautions"),
    ("evidence", "Evidence"),
    ("who_delivers", "Who delivers it"),
)
PATIENT_FIELDS = (
    ("what_it_is", "What it is"),
    ("how_it_may_help", "How it may help"),
    ("what_to_expect", "What to expect"),
    ("risks", "Risks and side effects"),
    ("what_you_can_do", "What you can do"),
    ("cost_and_coverage", "Cost and coverage"),
)
MEASURE_FIELDS = (
    ("what_is_recorded", "What is recorded"),
    ("why_it_matters", "Why the team reviews it"),
    ("how_often", "How often"),
    ("scoring", "How it is scored"),
    ("intended_use", "Intended use"),
    ("limits", "Limits"),
)
# Plain groupings for the patients' index: what a person looks for, not how clinicians file it.
PATIENT_GROUPS = (
    ("Medicines", lambda e: e.type == "treatment" and e.component == "medications"),
    (
        "Therapies that restore movement and daily life",
        lambda e: e.type == "treatment" and e.component == "restorative-therapies",
    ),
    (
        "Procedures and injections",
        lambda e: e.type == "treatment" and e.component == "interventional-procedures",
    ),
    ("Mind, mood and pain", lambda e: e.type == "treatment" and e.component == "behavioral-health"),
    (
        "Complementary and whole-person approaches",
        lambda e: e.type == "treatment" and e.component == "complementary-integrative-health",
    ),
    ("The five kinds of pain care", lambda e: e.type == "component"),
    ("Getting the care you need", lambda e: e.type == "barrier"),
    ("Living well with pain care", lambda e: e.type == "topic"),
)
DISCLAIMER = (
    '!!! note "For learning, not medical advice"\n'
    "    PainGuide explains options so you can talk about them with your care team. "
    "It does not replace advice from a clinician who knows you. "
    "In an emergency, call 911. If you are thinking about suicide or self-harm, call or text 988."
)


def link(src: str, dest: str) -> str:
    """Relative link from page ``src`` to page ``dest`` (both docs-relative .md paths)."""
    return posixpath.relpath(dest, posixpath.dirname(src) or ".")


def indent(text: str, spaces: int = 4) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line.strip() else "" for line in text.splitlines())


def date(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def md_text(text: str) -> str:
    """Plain text (a title, a summary, a question) placed in Markdown: shown as typed, never as markup.

    The schema already keeps '<', '>' and line breaks out of plain-text fields; this also stops Markdown
    syntax (links, emphasis, attribute lists) in a title from becoming markup on the page.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def nav_label(title: str) -> str:
    """A navigation label: Material writes ``nav_item.title`` into the page unescaped."""
    return html.escape(title)


def front_matter(title: str, description: str, tags: Iterable[str] = (), **extra: Any) -> str:
    """Page metadata. MkDocs and Material put title, description and tags into <title>, the header,
    <meta name=description content="..."> and tag chips *without escaping*, so they are escaped here."""
    data: dict[str, Any] = {"title": html.escape(title), "description": html.escape(description)}
    if tags:
        data["tags"] = [html.escape(t) for t in dict.fromkeys(tags)]
    data.update(extra)
    # JSON is valid YAML and quotes everything safely.
    return "---\n" + "\n".join(f"{k}: {json.dumps(v)}" for k, v in data.items()) + "\n---\n\n"


def bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {indent(item, 2).strip()}" for item in items)


def numbered(items: Iterable[str]) -> str:
    return "\n".join(f"{i}. {indent(item, 3).strip()}" for i, item in enumerate(items, 1))


def section(title: str, body: str | None, level: int = 2) -> str:
    # h2 by default: the audience tabs sit right under the page's h1, so their sections are h2s
    # (an h3 there skips a level: Lighthouse and axe "heading-order").
    return f"{'#' * level} {title}\n\n{body.strip()}\n" if body else ""


def entry_tags(entry: Any, catalog: Catalog) -> list[str]:
    tags = [TYPE_LABEL[entry.type]]
    component = getattr(entry, "component", None) or (entry.id if entry.type == "component" else None)
    if component:
        tags.append(
            catalog.entries[component].title if component in catalog.entries else component
        )  # escaped by front_matter
    return tags + [AUDIENCE_TAG[a] for a in entry.audiences]


# --- entry pages -------------------------------------------------------------------------------


def clinician_tab(entry: Any) -> str:
    c = entry.clinician
    parts = [section("Key points", bullets(c.key_points))]
    if team := getattr(entry, "team", None):
        parts += [
            section("The question", f"**{md_text(team.question)}**"),
            section("Why it matters", team.why_it_matters),
            section("Options a clinic can choose", bullets(team.options)),
            section("Examples", bullets(team.examples)),
        ]
    if measure := getattr(entry, "measure", None):
        parts += [section(label, getattr(measure, name)) for name, label in MEASURE_FIELDS]
    parts += [section(label, getattr(c, name)) for name, label in CLINICIAN_FIELDS]
    parts.append(section("Practical steps", numbered(c.practical_steps)))
    return "\n".join(p for p in parts if p)


def patient_body(entry: Any, level: int = 2) -> str:
    p = entry.patient
    parts = [section(label, getattr(p, name), level) for name, label in PATIENT_FIELDS]
    if p.questions_to_ask:
        parts.append(section("Questions to ask your care team", bullets(map(md_text, p.questions_to_ask)), level))
    return "\n".join(x for x in parts if x)


def trainer_tab(entry: Any) -> str:
    t = entry.trainer
    return "\n".join(
        filter(
            None,
            [
                section(
                    "Learning objectives",
                    "After studying this entry, learners can:\n\n" + bullets(map(md_text, t.learning_objectives)),
                ),
                section("Discussion prompts", bullets(map(md_text, t.discussion_prompts)))
                if t.discussion_prompts
                else "",
            ],
        )
    )


def tab(title: str, body: str) -> str:
    return f'=== "{title}"\n\n{indent(body)}\n'


def sources_list(src: str, refs: Iterable[Any], catalog: Catalog) -> str:
    lines = []
    for ref in refs:
        source = catalog.sources[ref.id]
        name = f"[{md_text(source.title)}]({source.url})" if source.url else f"*{md_text(source.title)}*"
        by = md_text(", ".join(x for x in (source.author, source.publisher, str(source.year or "")) if x))
        extra = f" — {md_text(ref.locator)}" if ref.locator else ""
        cite = f". {md_text(source.citation)}" if source.citation else ""
        lines.append(
            f"{name}{f' ({by})' if by else ''}{cite}{extra}. [About this source]({link(src, 'sources.md')}#{source.id})"
        )
    return numbered(lines)


def entry_page(entry: Any, catalog: Catalog) -> str:
    src = urls.entry_page(entry)
    meta = [f"**{TYPE_LABEL[entry.type]}**"]
    component = getattr(entry, "component", None)
    if component:
        comp = catalog.entries[component]
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
    tabs = [tab("For clinicians", clinician_tab(entry))]
    if entry.patient is not None:
        printable = f"[Open the printable patient page]({link(src, urls.patient_page(entry))}){{ .md-button }}\n\n"
        tabs.append(tab("For patients", printable + patient_body(entry)))
    tabs.append(tab("For trainers", trainer_tab(entry)))
    out.append("\n".join(tabs))
    if entry.type == "component":
        options = catalog.treatments_of(entry.id)
        out.append(
            section(
                "Treatment options",
                bullets(
                    f"[{md_text(t.title)}]({link(src, urls.entry_page(t))}) — {md_text(t.summary)}" for t in options
                ),
                2,
            )
        )
    if entry.related:
        out.append(
            section(
                "Related",
                bullets(
                    f"[{md_text(catalog.entries[r].title)}]({link(src, urls.entry_page(catalog.entries[r]))}) — "
                    f"{md_text(catalog.entries[r].summary)}"
                    for r in entry.related
                ),
                2,
            )
        )
    out.append(section("Sources", sources_list(src, entry.sources, catalog), 2))
    return "\n".join(out)


def patient_page(entry: Any, catalog: Catalog, slots: Slots) -> str:
    src = urls.patient_page(entry)
    title = f"{entry.title}: for patients"
    return "\n".join(
        [
            front_matter(title, entry.summary, [AUDIENCE_TAG["patient"]], search={"boost": 1.5}),
            f"# {md_text(title)}\n",
            slots.put(widgets.render("print.html", label="Print this page", hidden=True)),
            patient_body(entry, 2),
            DISCLAIMER + "\n",
            f"Last reviewed {date(entry.reviewed)}. "
            f"[More detail for clinicians and trainers]({link(src, urls.entry_page(entry))}).\n"
            "{: .pg-meta }\n",
        ]
    )


# --- section indexes ---------------------------------------------------------------------------


def listing(src: str, entries: Iterable[Any], page: Any = urls.entry_page) -> str:
    return bullets(f"[{md_text(e.title)}]({link(src, page(e))}) — {md_text(e.summary)}" for e in entries)


def treatments_index(catalog: Catalog) -> str:
    src = "treatments/index.md"
    out = [
        front_matter("Treatments", "The five components of integrative pain care and their options."),
        "# Treatments\n",
        "The HHS Pain Management Best Practices Inter-Agency Task Force describes five components of "
        "pain care. Most people do best with a plan that combines several of them.\n",
    ]
    for cid in COMPONENT_IDS:
        if comp := catalog.entries.get(cid):
            out.append(
                section(
                    f"[{md_text(comp.title)}]({link(src, urls.entry_page(comp))})",
                    comp.summary + "\n\n" + listing(src, catalog.treatments_of(cid)),
                    2,
                )
            )
    return "\n".join(out)


def simple_index(src: str, title: str, intro: str, entries: list[Any]) -> str:
    return "\n".join([front_matter(title, intro), f"# {title}\n", intro + "\n", listing(src, entries)])


def support_team_index(catalog: Catalog) -> str:
    src = "support-team/index.md"
    questions = catalog.by_type("team-question")
    return "\n".join(
        [
            front_matter(
                "Build a support team",
                "Questions a clinic answers to set up a Chronic Pain Management Support Team.",
            ),
            "# Build a Chronic Pain Management Support Team\n",
            "Work through these questions in order. Each answer shapes the next.\n",
            numbered(
                f"[{md_text(q.team.question)}]({link(src, urls.entry_page(q))}) — {md_text(q.summary)}"
                for q in questions
            ),
            section(
                "Data the team reviews",
                f"The [data elements]({link(src, 'support-team/data/index.md')}) a team may track, "
                "with how each is scored and its limits.\n\n" + listing(src, catalog.by_type("data-element")),
                2,
            ),
        ]
    )


def patients_index(catalog: Catalog) -> str:
    src = "patients/index.md"
    out = [
        front_matter("For patients", "Plain-language guides to pain care options.", [AUDIENCE_TAG["patient"]]),
        "# For patients\n",
        "These guides explain pain care in plain words. Each one can be printed. "
        "Take it to your next visit and talk it over with your care team.\n",
        DISCLAIMER + "\n",
    ]
    readable = [e for e in catalog.entries.values() if e.patient is not None]
    for heading, belongs in PATIENT_GROUPS:
        chosen = sorted((e for e in readable if belongs(e)), key=lambda e: e.title.lower())
        if chosen:
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
            see = f"\n\n    See [{md_text(target.title)}]({link('glossary.md', urls.entry_page(target))})."
        out.append(f"{md_text(term.term)}\n:   {indent(term.definition).strip()}{more}{see}\n")
    return "\n".join(out)


def sources_page(catalog: Catalog) -> str:
    out = [
        front_matter("Sources", "The documents PainGuide entries cite."),
        "# Sources\n",
        "Every entry cites one or more of these documents. We list only real, published documents.\n",
    ]
    for s in catalog.sources.values():
        lines = [f"## {md_text(s.title)} {{ #{s.id} }}\n"]
        for label, value in (
            ("Author", s.author and md_text(s.author)),
            ("Publisher", s.publisher and md_text(s.publisher)),
            ("Year", s.year),
            ("Citation", s.citation and md_text(s.citation)),
            ("Seed file", f"`{s.file}`" if s.file else None),
            ("Link", f"<{s.url}>" if s.url else None),
            ("About", s.note and md_text(s.note)),
        ):
            if value:
                lines.append(f"- **{label}:** {value}")
        citing = sorted(e.title for e in catalog.entries.values() if any(r.id == s.id for r in e.sources))
        lines.append(f"- **Cited by:** {len(citing)} entries")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def abbreviations(catalog: Catalog) -> str:
    """Markdown abbreviation definitions: the site shows them as tooltips."""
    lines = []
    for term in catalog.glossary:
        for abbr in term.abbreviations:
            if abbr.replace("-", "").replace("/", "").isalnum() and any(ch.isupper() for ch in abbr):
                lines.append(f"*[{abbr}]: {term.term}")  # plain text: no markup, no newline (schema)
    return "\n".join(dict.fromkeys(lines))


def find_form(catalog: Catalog) -> str:
    """The "Find guidance" form of the hand-written find page (docs/find.md holds its slot)."""
    from painguide.search import MAX_QUERY_LENGTH

    components = [(cid, catalog.entries[cid].title if cid in catalog.entries else cid) for cid in COMPONENT_IDS]
    return widgets.render(
        "find.html",
        max_length=MAX_QUERY_LENGTH,
        types=list(TYPE_LABEL.items()),
        components=components,
        audiences=[(a, AUDIENCE_LABEL[a]) for a in AUDIENCES],
    )


def generate(catalog: Catalog, slots: Slots) -> Iterator[tuple[str, str]]:
    """Every generated page as (docs-relative path, Markdown); widgets go into ``slots``."""
    for entry in catalog.entries.values():
        yield urls.entry_page(entry), entry_page(entry, catalog)
        if entry.patient is not None:
            yield urls.patient_page(entry), patient_page(entry, catalog, slots)
    yield "treatments/index.md", treatments_index(catalog)
    yield (
        "barriers/index.md",
        simple_index(
            "barriers/index.md",
            "Barriers to care",
            "What keeps people from getting patient-centered pain care, and what can help.",
            catalog.by_type("barrier"),
        ),
    )
    yield "support-team/index.md", support_team_index(catalog)
    yield (
        "support-team/data/index.md",
        simple_index(
            "support-team/data/index.md",
            "Data elements",
            "What a support team may track, how each measure is scored, and its limits.",
            catalog.by_type("data-element"),
        ),
    )
    yield (
        "topics/index.md",
        simple_index("topics/index.md", "Topics", "Ideas that run through good pain care.", catalog.by_type("topic")),
    )
    yield "patients/index.md", patients_index(catalog)
    yield "glossary.md", glossary_page(catalog)
    yield "sources.md", sources_page(catalog)
    from painguide import curriculum  # modules are their own idea, in their own module

    yield from curriculum.generate(catalog, slots)


def nav(catalog: Catalog) -> list[Any]:
    """The site navigation, in reading order (MkDocs would otherwise sort alphabetically)."""
    from painguide import curriculum

    treatments: list[Any] = ["treatments/index.md"]
    for cid in COMPONENT_IDS:
        if comp := catalog.entries.get(cid):
            treatments.append(
                {
                    nav_label(comp.title): [urls.entry_page(comp)]
                    + [{nav_label(t.title): urls.entry_page(t)} for t in catalog.treatments_of(cid)]
                }
            )
    patients = ["patients/index.md"] + [
        {nav_label(e.title): urls.patient_page(e)}
        for e in sorted((e for e in catalog.entries.values() if e.patient is not None), key=lambda e: e.title.lower())
    ]
    return [
        {"Home": "index.md"},
        {"Treatments": treatments},
        {
            "Barriers to care": ["barriers/index.md"]
            + [{nav_label(e.title): urls.entry_page(e)} for e in catalog.by_type("barrier")]
        },
        {
            "Support team": ["support-team/index.md"]
            + [{nav_label(e.title): urls.entry_page(e)} for e in catalog.by_type("team-question")]
            + [
                {
                    "Data elements": ["support-team/data/index.md"]
                    + [{nav_label(e.title): urls.entry_page(e)} for e in catalog.by_type("data-element")]
                }
            ]
        },
        {"Topics": ["topics/index.md"] + [{nav_label(e.title): urls.entry_page(e)} for e in catalog.by_type("topic")]},
        {"For patients": patients},
        {"For trainers": curriculum.nav(catalog)},
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
