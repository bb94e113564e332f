"""Response shapes: what the API promises integrators (stored shapes live in painguide.content.schema)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from painguide.content.schema import (
    SLUG_PATTERN,
    Assignment,
    Audience,
    ClinicianLayer,
    Code,
    ComponentId,
    ConditionClinicianLayer,
    EntryType,
    GuidancePatientLayer,
    Lesson,
    Measure,
    PatientLayer,
    PopulationClinicianLayer,
    Question,
    SourceRef,
    TeamQuestion,
    TrainerLayer,
    Vignette,
)
from painguide.search import MAX_QUERY_LENGTH

SearchType = EntryType | Literal["module"]


class ErrorBody(BaseModel):
    code: str = Field(examples=["not_found"])
    message: str


class Error(BaseModel):
    error: ErrorBody


class Health(BaseModel):
    status: Literal["ok", "degraded"] = Field(description='"degraded" (HTTP 503) when a part cannot be read.')
    release: str | None
    entries: int = 0
    modules: int = 0
    problems: list[str] = Field(default=[], description="What failed, when degraded.")


class EntrySummary(BaseModel):
    id: str
    type: EntryType
    title: str
    summary: str
    component: str | None
    url: str = Field(description="Path of the entry's page on the site.")


class EntryList(BaseModel):
    total: int
    items: list[EntrySummary]


class EntryDetail(BaseModel):
    id: str
    type: EntryType
    title: str
    summary: str
    component: str | None = None
    audiences: list[str]
    tags: list[str]
    aliases: list[str]
    related: list[str]
    sources: list[SourceRef]
    reviewed: dt.date
    review_due: dt.date | None = None
    codes: list[Code] = []
    clinician: ClinicianLayer | ConditionClinicianLayer | PopulationClinicianLayer
    patient: PatientLayer | GuidancePatientLayer | None = None
    trainer: TrainerLayer
    team: TeamQuestion | None = None
    measure: Measure | None = None
    url: str
    patient_url: str | None = Field(default=None, description="The patient-only, printable page.")


class RelatedList(BaseModel):
    id: str
    related: list[EntrySummary] = Field(description="Entries the authors linked explicitly.")
    more_like_this: list[EntrySummary] = Field(description="Entries with the most similar text.")


class SearchQuery(BaseModel):
    """The query parameters of /search, validated in one pass (one model, not seven parameters)."""

    q: str = Field(min_length=1, max_length=MAX_QUERY_LENGTH, description="Plain text; no syntax.")
    type: SearchType | None = None
    component: ComponentId | None = None
    audience: Audience | None = None
    tag: str | None = Field(default=None, pattern=SLUG_PATTERN, max_length=80)
    limit: int = Field(default=10, ge=1, le=50)
    offset: int = Field(default=0, ge=0, le=1000)


class SearchHit(BaseModel):
    id: str
    title: str
    type: SearchType
    component: str | None
    url: str
    snippet: str = Field(description="HTML-escaped excerpt; matches are wrapped in <mark>.")
    score: float


class SearchFacets(BaseModel):
    type: dict[str, int]
    component: dict[str, int]
    audience: dict[str, int]


class SearchResults(BaseModel):
    query: str
    total: int
    results: list[SearchHit]
    facets: SearchFacets
    suggestion: str | None = Field(description='"Did you mean": the query with spelling corrected.')


class Completion(BaseModel):
    label: str
    id: str
    type: SearchType
    url: str


class Completions(BaseModel):
    query: str
    completions: list[Completion]


class ModuleSummary(BaseModel):
    id: str
    title: str
    audiences: list[str]
    duration_minutes: int
    url: str


class ModuleList(BaseModel):
    total: int
    items: list[ModuleSummary]


class ModuleDetail(BaseModel):
    id: str
    title: str
    summary: str
    audiences: list[str]
    level: str
    duration_minutes: int
    objectives: list[str]
    prerequisites: list[str]
    lessons: list[Lesson]
    questions: list[Question]
    vignette: Vignette
    assignment: Assignment
    sources: list[SourceRef]
    reviewed: dt.date
    url: str
    handout_url: str
    answers_url: str
