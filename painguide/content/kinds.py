"""The entry-kind registry: every fact about a kind of entry, in one place, and the other fixed labels.

Schema models, page generation (entry pages, section indexes, the patients' index), navigation, URLs, search
facets, Infobutton ranking and tests read these rows. Adding a kind of entry is its model in ``schema.py``
(with its ``type`` literal, added to the ``EntryModel`` union there; ``EntryType`` is derived from the union)
and one row here; a check below makes the two agree, and tests/site/test_new_kind.py builds such a kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from painguide.content import instruments, schema

# How a kind's section index lists it: a plain list, the treatments by component (component entries head
# their groups, so the component kind has no index of its own), or the support-team sequence with its data.
IndexStyle = Literal["simple", "treatments", "support-team"]


@dataclass(frozen=True)
class EntryKind:
    type: str
    label: str  # shown on every page of the kind, in the tags and in the "Find guidance" filter
    folder: str  # where its files live under guidelines/
    section: str  # where its pages live on the site (docs-relative)
    index_title: str  # the section's index page, and its navigation group unless nav_title says otherwise
    index_intro: str
    patient_group: str | None = None  # heading on the patients' index (None: grouped by component, or absent)
    # Infobutton and CDS Hooks answers for one code list lower ranks first (a problem code leads with the page
    # about the problem). Required: a kind left out used to rank last in silence.
    infobutton_rank: int = field(kw_only=True)
    index: IndexStyle | None = field(default="simple", kw_only=True)  # None: listed by another kind's index
    nav_title: str | None = field(default=None, kw_only=True)  # the navigation group's label (else index_title)
    nav_order: int = field(default=99, kw_only=True)  # where the group sits among the kinds' groups
    nav_parent: str | None = field(default=None, kw_only=True)  # nest the group inside that kind's group


KINDS: tuple[EntryKind, ...] = (
    EntryKind(
        "component",
        "Treatment component",
        "components",
        "treatments",
        "Treatments",
        "The five components of integrative pain care and their options.",
        "The five kinds of pain care",
        infobutton_rank=4,
        index=None,
    ),
    EntryKind(
        "treatment",
        "Treatment option",
        "treatments",
        "treatments",
        "Treatments",
        "The five components of integrative pain care and their options.",
        infobutton_rank=2,
        index="treatments",
        nav_order=1,
    ),
    EntryKind(
        "barrier",
        "Barrier to care",
        "barriers",
        "barriers",
        "Barriers to care",
        "What keeps people from getting patient-centered pain care, and what can help.",
        "Getting the care you need",
        infobutton_rank=5,
        nav_order=2,
    ),
    EntryKind(
        "team-question",
        "Support team question",
        "team",
        "support-team",
        "Build a support team",
        "Questions a clinic answers to set up a Chronic Pain Management Support Team.",
        infobutton_rank=6,
        index="support-team",
        nav_title="Support team",
        nav_order=3,
    ),
    EntryKind(
        "data-element",
        "Data element",
        "data-elements",
        "support-team/data",
        "Data elements",
        "What a support team may track, how each measure is scored, and its limits.",
        infobutton_rank=7,
        nav_parent="team-question",
    ),
    EntryKind(
        "topic",
        "Topic",
        "topics",
        "topics",
        "Topics",
        "Ideas that run through good pain care.",
        "Living well with pain care",
        infobutton_rank=3,
        nav_order=6,
    ),
    EntryKind(
        "condition",
        "Condition",
        "conditions",
        "conditions",
        "Conditions",
        "Common chronic pain conditions: how to assess them, what helps first, and what to avoid.",
        "Pain conditions",
        infobutton_rank=0,
        nav_order=4,
    ),
    EntryKind(
        "population",
        "Special population",
        "populations",
        "populations",
        "Special populations",
        "What changes in pain care for groups of people with different needs and risks.",
        "Pain care for you and your family",
        infobutton_rank=1,
        nav_order=5,
    ),
)
BY_TYPE: dict[str, EntryKind] = {k.type: k for k in KINDS}
ENTRY_TYPES: tuple[str, ...] = tuple(k.type for k in KINDS)
MODULE_TYPE = "module"
MODULE_LABEL = "Curriculum module"
DOCUMENT_TYPES: tuple[str, ...] = (*ENTRY_TYPES, MODULE_TYPE)
TYPE_LABELS: dict[str, str] = {**{k.type: k.label for k in KINDS}, MODULE_TYPE: MODULE_LABEL}

# Treatments are grouped for patients by their component, in plain words: what a person looks for.
COMPONENT_PATIENT_GROUPS: dict[str, str] = {
    "medications": "Medicines",
    "restorative-therapies": "Therapies that restore movement and daily life",
    "interventional-procedures": "Procedures and injections",
    "behavioral-health": "Mind, mood and pain",
    "complementary-integrative-health": "Complementary and whole-person approaches",
}
# The longest query the search box, the API and the index accept (one limit, shared by site, search and API).
MAX_QUERY_LENGTH = 256
AUDIENCE_LABELS: dict[str, str] = {"clinician": "Clinicians", "patient": "Patients", "trainer": "Trainers"}
AUDIENCE_TAGS: dict[str, str] = {"clinician": "For clinicians", "patient": "For patients", "trainer": "For trainers"}
# The roles a trainer assigns modules to, as the trainer pages and the cartridges name them.
ROLE_LABELS: dict[str, str] = {
    "clinicians": "Clinicians",
    "nurses-and-medical-assistants": "Nurses and medical assistants",
    "pharmacists": "Pharmacists",
    "behavioral-health-staff": "Behavioral health staff",
    "front-desk-staff": "Front-desk staff",
    "patients": "Patients",
}
# A knowledge-check choice's position as learners see it: the site, the handouts, the cartridges' QTI items
# and the quiz-balance rule all letter choices with these (a question has at most six choices).
LETTERS = "ABCDEF"


@dataclass(frozen=True)
class Tool:
    """A calculator page (tools/<kind>.md). Two names, one per use: ``nav_label`` is short, for the
    navigation ("PHQ-9"); ``title`` heads the page when the content has no ``calculator:`` block for the kind
    (the fixture tree), and equals the real block's title ("PHQ-9 depression score")."""

    kind: str
    nav_label: str
    title: str


TOOLS: tuple[Tool, ...] = (
    Tool("mme", "MME calculator", "MME calculator"),
    Tool("peg", "PEG score", "PEG score"),
    Tool("phq-9", "PHQ-9", "PHQ-9 depression score"),
    Tool("ort-oud", "ORT-OUD", "ORT-OUD total"),
)
TOOL_BY_KIND: dict[str, Tool] = {t.kind: t for t in TOOLS}


def component_of(entry: schema.Entry) -> str | None:
    """The treatment component an entry belongs to: a treatment's component, a component entry's own id, or
    None. Every page, search hit and API response uses this one rule (they used to disagree)."""
    if isinstance(entry, schema.ComponentEntry):
        return entry.id
    if isinstance(entry, schema.TreatmentEntry):
        return entry.component
    return None


def _union_types() -> set[str]:
    members = get_args(get_args(schema.Entry)[0])
    return {get_args(m.model_fields["type"].annotation)[0] for m in members}


def nav_title(kind: EntryKind) -> str:
    """The label of a kind's navigation group."""
    return kind.nav_title or kind.index_title


def nav_children(parent: str) -> list[EntryKind]:
    """The kinds whose navigation group nests inside ``parent``'s (data elements inside the support team)."""
    return [k for k in KINDS if k.nav_parent == parent]


def nav_kinds() -> list[EntryKind]:
    """The kinds that head a top-level navigation group, in navigation order (ties in registry order)."""
    return sorted((k for k in KINDS if k.index and k.nav_parent is None), key=lambda k: k.nav_order)


if (
    _union_types() != set(ENTRY_TYPES)
    or set(get_args(schema.EntryType)) != set(ENTRY_TYPES)
    or set(COMPONENT_PATIENT_GROUPS) != set(schema.COMPONENT_IDS)
    or set(ROLE_LABELS) != set(schema.ROLES)
    or any(getattr(m, "max_length", 0) > len(LETTERS) for m in schema.Question.model_fields["choices"].metadata)
    or tuple(t.kind for t in TOOLS) != instruments.KINDS
    or any(k.nav_parent and (k.nav_parent not in BY_TYPE or not k.index) for k in KINDS)
):
    raise RuntimeError("painguide.content.kinds disagrees with the schema (entry union, components, roles or tools)")
