"""The entry-kind registry: every fact about a kind of entry, in one place.

Schema models, page generation, navigation, URLs, search facets and tests read these rows. Adding a kind of
entry is its model in ``schema.py`` (with its ``type`` literal, added to the ``Entry`` union there) and one row
here; a test checks that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from painguide.content import schema


@dataclass(frozen=True)
class EntryKind:
    type: str
    label: str  # shown on every page of the kind, in the tags and in the "Find guidance" filter
    folder: str  # where its files live under guidelines/
    section: str  # where its pages live on the site (docs-relative)
    index_title: str  # the section's index page
    index_intro: str
    patient_group: str | None = None  # heading on the patients' index (None: grouped by component, or absent)


KINDS: tuple[EntryKind, ...] = (
    EntryKind(
        "component",
        "Treatment component",
        "components",
        "treatments",
        "Treatments",
        "The five components of integrative pain care and their options.",
        "The five kinds of pain care",
    ),
    EntryKind(
        "treatment",
        "Treatment option",
        "treatments",
        "treatments",
        "Treatments",
        "The five components of integrative pain care and their options.",
    ),
    EntryKind(
        "barrier",
        "Barrier to care",
        "barriers",
        "barriers",
        "Barriers to care",
        "What keeps people from getting patient-centered pain care, and what can help.",
        "Getting the care you need",
    ),
    EntryKind(
        "team-question",
        "Support team question",
        "team",
        "support-team",
        "Build a support team",
        "Questions a clinic answers to set up a Chronic Pain Management Support Team.",
    ),
    EntryKind(
        "data-element",
        "Data element",
        "data-elements",
        "support-team/data",
        "Data elements",
        "What a support team may track, how each measure is scored, and its limits.",
    ),
    EntryKind(
        "topic",
        "Topic",
        "topics",
        "topics",
        "Topics",
        "Ideas that run through good pain care.",
        "Living well with pain care",
    ),
    EntryKind(
        "condition",
        "Condition",
        "conditions",
        "conditions",
        "Conditions",
        "Common chronic pain conditions: how to assess them, what helps first, and what to avoid.",
        "Pain conditions",
    ),
    EntryKind(
        "population",
        "Special population",
        "populations",
        "populations",
        "Special populations",
        "What changes in pain care for groups of people with different needs and risks.",
        "Pain care for you and your family",
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


if (
    _union_types() != set(ENTRY_TYPES)
    or set(get_args(schema.EntryType)) != set(ENTRY_TYPES)
    or set(COMPONENT_PATIENT_GROUPS) != set(schema.COMPONENT_IDS)
):
    raise RuntimeError("painguide.content.kinds disagrees with the schema's Entry union or component ids")
