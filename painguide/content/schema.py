"""Content schema: the single source of truth for every YAML file under ``guidelines/`` (built from the field
types in ``fields.py``; clinical codes in ``codes.py``; scored tools in ``instruments.py``).

The validator, the site hooks, the search index, the API response models and the exported
JSON Schema (``guidelines/schema.json``) are all derived from these models.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Literal, get_args

from pydantic import (
    Field,
    StringConstraints,
    TypeAdapter,
    model_validator,
)

# Re-exported: the schema module is where every stored shape is looked up.
from painguide.content.codes import Code as Code
from painguide.content.codes import CodeRecord as CodeRecord
from painguide.content.codes import CodeRegistry as CodeRegistry
from painguide.content.fields import MEASURABLE_VERBS as MEASURABLE_VERBS
from painguide.content.fields import SLUG_PATTERN as SLUG_PATTERN
from painguide.content.fields import (
    Alias,
    Markdown,
    Objective,
    Slug,
    SourceRefs,
    SourceTitle,
    Strict,
    Summary,
    Text,
    Title,
)
from painguide.content.fields import SourceRef as SourceRef
from painguide.content.instruments import Calculator

ComponentId = Literal[
    "medications",
    "restorative-therapies",
    "interventional-procedures",
    "behavioral-health",
    "complementary-integrative-health",
]
Audience = Literal["clinician", "patient", "trainer"]
# Roles a trainer assigns modules to.
Role = Literal[
    "clinicians",
    "nurses-and-medical-assistants",
    "pharmacists",
    "behavioral-health-staff",
    "front-desk-staff",
    "patients",
]
COMPONENT_IDS: tuple[str, ...] = get_args(ComponentId)
AUDIENCES: tuple[str, ...] = get_args(Audience)
ROLES: tuple[str, ...] = get_args(Role)


class ClinicianLayer(Strict):
    """Best-practice guidance for clinicians. Treatments fill every field (a content test checks)."""

    key_points: Annotated[list[Markdown], Field(min_length=2, max_length=8, title="Key points")]
    how_it_is_used: Markdown | None = Field(default=None, title="How it is used")
    benefits: Markdown | None = Field(default=None, title="Benefits")
    risks: Markdown | None = Field(default=None, title="Risks and cautions")
    evidence: Markdown | None = Field(default=None, title="Evidence")
    who_delivers: Markdown | None = Field(default=None, title="Who delivers it")
    practical_steps: Annotated[list[Markdown], Field(min_length=1, max_length=10, title="Practical steps")]


class PatientLayer(Strict):
    """A plain-language explainer (grade 6-8 reading level) a patient can read and print."""

    what_it_is: Markdown = Field(title="What it is")
    how_it_may_help: Markdown | None = Field(default=None, title="How it may help")
    what_to_expect: Markdown | None = Field(default=None, title="What to expect")
    risks: Markdown | None = Field(default=None, title="Risks and side effects")
    what_you_can_do: Markdown | None = Field(default=None, title="What you can do")
    questions_to_ask: Annotated[list[Text], Field(max_length=8, title="Questions to ask your care team")] = []
    cost_and_coverage: Markdown | None = Field(default=None, title="Cost and coverage")


class TrainerLayer(Strict):
    learning_objectives: Annotated[list[Objective], Field(min_length=2, max_length=4)]
    discussion_prompts: Annotated[list[Text], Field(max_length=6)] = []


class CareOption(Strict):
    """A first-line option for a condition: a treatment (or component) entry and why it fits."""

    entry: Slug
    why: Text = Field(max_length=300)


class ConditionClinicianLayer(Strict):
    """Best-practice guidance for a condition people arrive with ("my lower back", "my knee")."""

    key_points: Annotated[list[Markdown], Field(min_length=2, max_length=8, title="Key points")]
    assessment: Markdown = Field(title="Assessment and red flags that need urgent care")
    first_line: Annotated[list[CareOption], Field(min_length=3, max_length=16, title="First-line options")]
    what_to_avoid: Markdown = Field(title="What to avoid")
    evidence: Markdown = Field(title="Evidence")
    who_delivers: Markdown = Field(title="Who delivers care")
    practical_steps: Annotated[list[Markdown], Field(max_length=10, title="Practical steps")] = []


class PopulationClinicianLayer(Strict):
    """What changes in pain care for a group of people (pregnancy, older age, sickle cell disease...)."""

    key_points: Annotated[list[Markdown], Field(min_length=2, max_length=8, title="Key points")]
    what_is_different: Markdown = Field(title="What is different")
    medication_cautions: Markdown = Field(title="Medication cautions")
    screening_and_assessment: Markdown = Field(title="Screening and assessment")
    care_coordination: Markdown = Field(title="Care coordination")
    evidence: Markdown = Field(title="Evidence")
    practical_steps: Annotated[list[Markdown], Field(max_length=10, title="Practical steps")] = []


class GuidancePatientLayer(Strict):
    """The plain-language explainer for a condition or a group of people (grade 6-8)."""

    what_it_is: Markdown = Field(title="What it is")
    what_helps: Markdown = Field(title="What helps")
    what_to_expect: Markdown | None = Field(default=None, title="What to expect")
    get_help_now: Markdown = Field(title="When to get help right away")
    what_you_can_do: Markdown | None = Field(default=None, title="What you can do")
    questions_to_ask: Annotated[list[Text], Field(max_length=8, title="Questions to ask your care team")] = []
    cost_and_coverage: Markdown | None = Field(default=None, title="Cost and coverage")


class TeamQuestion(Strict):
    """One of the questions a clinic answers to set up a Chronic Pain Management Support Team."""

    order: Annotated[int, Field(ge=1, le=8, description="Position in the set-up sequence.")]
    question: Text
    why_it_matters: Markdown
    options: Annotated[list[Markdown], Field(min_length=2, max_length=12)]
    examples: Annotated[list[Markdown], Field(min_length=1, max_length=12)]


class Measure(Strict):
    """A data element a support team reviews, and the instrument behind it if there is one."""

    what_is_recorded: Markdown = Field(title="What is recorded")
    why_it_matters: Markdown = Field(title="Why the team reviews it")
    how_often: Markdown = Field(title="How often")
    scoring: Markdown | None = Field(default=None, title="How it is scored")
    intended_use: Markdown = Field(title="Intended use")
    limits: Markdown = Field(title="Limits")


class EntryBase(Strict):
    id: Slug
    title: Title
    summary: Summary
    audiences: Annotated[list[Audience], Field(min_length=1)]
    tags: Annotated[list[Slug], Field(max_length=12)] = []
    aliases: Annotated[list[Alias], Field(max_length=40)] = Field(
        default=[], description="Other names, abbreviations, brand/generic names and lay words."
    )
    related: Annotated[list[Slug], Field(max_length=32)] = []
    codes: Annotated[list[Code], Field(max_length=40)] = Field(
        default=[], description="ICD-10-CM, RxNorm, SNOMED CT or LOINC codes that lead to this entry."
    )
    sources: SourceRefs
    reviewed: dt.date
    review_due: dt.date | None = None
    clinician: ClinicianLayer | ConditionClinicianLayer | PopulationClinicianLayer
    patient: PatientLayer | GuidancePatientLayer | None = None
    trainer: TrainerLayer

    @model_validator(mode="after")
    def _consistent(self) -> EntryBase:
        if self.review_due is not None and self.review_due <= self.reviewed:
            raise ValueError("review_due must be after reviewed")
        layers = {a for a in AUDIENCES if getattr(self, a) is not None}
        if set(self.audiences) != layers:
            raise ValueError(
                f"audiences {sorted(self.audiences)} must list exactly the layers present {sorted(layers)}"
            )
        if self.id in self.related:
            raise ValueError("an entry cannot be related to itself")
        return self


class PatientFacing(EntryBase):
    clinician: ClinicianLayer
    patient: PatientLayer


class ComponentEntry(PatientFacing):
    type: Literal["component"]


class TreatmentEntry(PatientFacing):
    type: Literal["treatment"]
    component: ComponentId


class BarrierEntry(PatientFacing):
    type: Literal["barrier"]


class TopicEntry(PatientFacing):
    type: Literal["topic"]


class TeamQuestionEntry(EntryBase):
    type: Literal["team-question"]
    clinician: ClinicianLayer
    patient: PatientLayer | None = None
    team: TeamQuestion


class DataElementEntry(EntryBase):
    type: Literal["data-element"]
    clinician: ClinicianLayer
    patient: PatientLayer | None = None
    measure: Measure
    calculator: Calculator | None = Field(default=None, description="A scored tool on the site (tools/).")


class ConditionEntry(EntryBase):
    type: Literal["condition"]
    clinician: ConditionClinicianLayer
    patient: GuidancePatientLayer


class PopulationEntry(EntryBase):
    type: Literal["population"]
    clinician: PopulationClinicianLayer
    patient: GuidancePatientLayer


# The kinds of entry, written once (painguide.content.kinds has a row for each and checks that they agree).
EntryModel = (
    ComponentEntry
    | TreatmentEntry
    | BarrierEntry
    | TopicEntry
    | TeamQuestionEntry
    | DataElementEntry
    | ConditionEntry
    | PopulationEntry
)
Entry = Annotated[EntryModel, Field(discriminator="type")]
# Every entry's ``type``, read off the union (one edit adds a kind; kinds.py checks its rows against both).
if TYPE_CHECKING:
    EntryType = str
else:
    EntryType = Literal[tuple(get_args(m.model_fields["type"].annotation)[0] for m in get_args(EntryModel))]


class Lesson(Strict):
    entry: Slug
    focus: Text


class Question(Strict):
    prompt: Text
    choices: Annotated[list[Text], Field(min_length=3, max_length=6)]
    answer: Text
    explanation: Text
    entry: Slug = Field(description="The entry the explanation comes from.")

    @model_validator(mode="after")
    def _answer_is_a_choice(self) -> Question:
        if self.answer not in self.choices:
            raise ValueError(f"answer '{self.answer}' is not among the choices (copy it exactly)")
        seen: set[str] = set()
        for choice in self.choices:
            # "Moderate risk" and "moderate  risk" are the same choice to a learner
            key = " ".join(choice.casefold().split()).rstrip(".")
            if key in seen:
                raise ValueError(f"choice '{choice}' is repeated: every choice must be different")
            seen.add(key)
        return self


class Vignette(Strict):
    title: Title
    text: Markdown
    discussion_prompts: Annotated[list[Text], Field(min_length=2, max_length=8)]


class Assignment(Strict):
    title: Title
    instructions: Markdown


class Module(Strict):
    """A ready-to-assign curriculum module (guidelines/modules/<id>.yaml)."""

    type: Literal["module"]
    id: Slug
    title: Title
    summary: Summary
    audiences: Annotated[list[Role], Field(min_length=1)]
    level: Literal["introductory", "intermediate", "advanced"]
    duration_minutes: Annotated[int, Field(ge=10, le=480)]
    objectives: Annotated[list[Objective], Field(min_length=3, max_length=8)]
    prerequisites: Annotated[list[Slug], Field(max_length=10)] = []
    lessons: Annotated[list[Lesson], Field(min_length=2, max_length=20)]
    questions: Annotated[list[Question], Field(min_length=5, max_length=15)]
    vignette: Vignette
    assignment: Assignment
    sources: SourceRefs
    reviewed: dt.date

    @model_validator(mode="after")
    def _not_own_prerequisite(self) -> Module:
        if self.id in self.prerequisites:
            raise ValueError("a module cannot be its own prerequisite")
        return self


Document = Annotated[EntryModel | Module, Field(discriminator="type")]
DOCUMENT: TypeAdapter[EntryModel | Module] = TypeAdapter(Document)


class Source(Strict):
    id: Slug
    title: SourceTitle
    author: Text | None = None
    publisher: Text | None = None
    year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    kind: Literal["seed", "report", "guideline", "instrument", "article"]
    url: Annotated[str, StringConstraints(pattern=r"^https://[^\s<>\"']+$", max_length=500)] | None = None
    file: Annotated[str, StringConstraints(pattern=r"^[0-9]{3}_[0-9a-f]{16}\.txt$")] | None = None
    citation: Text | None = Field(default=None, description="Journal, volume and pages.")
    note: Text | None = None

    @model_validator(mode="after")
    def _seed_has_file(self) -> Source:
        if (self.kind == "seed") != (self.file is not None):
            raise ValueError("seed sources (and only they) name their seed file")
        return self


class SourceList(Strict):
    sources: Annotated[list[Source], Field(min_length=1, max_length=500)]


class Term(Strict):
    term: Title
    definition: Markdown
    abbreviations: Annotated[list[Alias], Field(max_length=10)] = []
    synonyms: Annotated[list[Alias], Field(max_length=20)] = []
    entry: Slug | None = Field(default=None, description="The entry that explains it in full.")


class Glossary(Strict):
    terms: Annotated[list[Term], Field(min_length=1, max_length=1000)]


def json_schema() -> dict[str, object]:
    """The JSON Schema YAML editors use to validate content files as they are typed."""
    schema = DOCUMENT.json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "PainGuide guideline entry or curriculum module"
    return schema
