"""Response shapes: what the API promises integrators.

An entry or a module is returned as its stored model (painguide.content.schema) plus what the API adds (urls),
by inheritance, so the two cannot drift (a hand copy once dropped `calculator`). Every response model forbids
unknown keys: a view handing over a field the model lacks is an error in the tests, not a silent drop.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from painguide.content import schema
from painguide.content.schema import SLUG_PATTERN, Audience, ComponentId, EntryType, Role
from painguide.search import MAX_QUERY_LENGTH

SearchType = EntryType | Literal["module"]


class Response(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(Response):
    code: str = Field(examples=["not_found"])
    message: str


class Error(Response):
    error: ErrorBody


class Health(Response):
    status: Literal["ok", "degraded"] = Field(description='"degraded" (HTTP 503) when a part cannot be read.')
    release: str | None
    entries: int = 0
    modules: int = 0
    problems: list[str] = Field(default=[], description="What failed, when degraded.")


class EntrySummary(Response):
    id: str
    type: EntryType
    title: str
    summary: str
    component: ComponentId | None
    url: str = Field(description="Path of the entry's page on the site.")


class EntryList(Response):
    total: int
    items: list[EntrySummary]


class EntryUrls(Response):
    """What the API adds to every stored entry: where its pages are."""

    url: str = Field(description="Path of the entry's page on the site.")
    patient_url: str | None = Field(default=None, description="The patient-only, printable page.")


class EntryUrlsAndComponent(EntryUrls):
    """...and, for the kinds that do not store one, the treatment component the entry belongs to."""

    component: ComponentId | None = Field(default=None, description="A component entry's own id; else null.")


# One response model per kind of stored entry: the stored model (last, so its fields come first in the
# JSON) under what the API adds. A field added to the schema reaches the API with no edit here.
class ComponentEntryDetail(EntryUrlsAndComponent, schema.ComponentEntry):
    pass


class TreatmentEntryDetail(EntryUrls, schema.TreatmentEntry):
    pass


class BarrierEntryDetail(EntryUrlsAndComponent, schema.BarrierEntry):
    pass


class TopicEntryDetail(EntryUrlsAndComponent, schema.TopicEntry):
    pass


class TeamQuestionEntryDetail(EntryUrlsAndComponent, schema.TeamQuestionEntry):
    pass


class DataElementEntryDetail(EntryUrlsAndComponent, schema.DataElementEntry):
    pass


class ConditionEntryDetail(EntryUrlsAndComponent, schema.ConditionEntry):
    pass


class PopulationEntryDetail(EntryUrlsAndComponent, schema.PopulationEntry):
    pass


EntryDetailModel = (
    ComponentEntryDetail
    | TreatmentEntryDetail
    | BarrierEntryDetail
    | TopicEntryDetail
    | TeamQuestionEntryDetail
    | DataElementEntryDetail
    | ConditionEntryDetail
    | PopulationEntryDetail
)
EntryDetail = Annotated[EntryDetailModel, Field(discriminator="type")]
# The response model of each stored kind (views look it up by the stored entry's class).
ENTRY_DETAILS: dict[type[schema.EntryModel], type[EntryDetailModel]] = {
    detail.__bases__[-1]: detail for detail in get_args(EntryDetailModel)
}
if set(ENTRY_DETAILS) != set(get_args(schema.EntryModel)):
    raise RuntimeError("painguide.serve.models needs one response model per member of schema.EntryModel")


class RelatedList(Response):
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


class SearchHit(Response):
    id: str
    title: str
    type: SearchType
    component: ComponentId | None
    url: str
    snippet: str = Field(description="HTML-escaped excerpt; matches are wrapped in <mark>.")
    score: float


class SearchFacets(Response):
    type: dict[str, int]
    component: dict[str, int]
    audience: dict[str, int]


class SearchResults(Response):
    query: str
    total: int
    results: list[SearchHit]
    facets: SearchFacets
    suggestion: str | None = Field(description='"Did you mean": the query with spelling corrected.')


class Completion(Response):
    label: str
    id: str
    type: SearchType
    url: str


class Completions(Response):
    query: str
    completions: list[Completion]


class ModuleSummary(Response):
    id: str
    title: str
    audiences: list[Role]
    duration_minutes: int
    url: str


class ModuleList(Response):
    total: int
    items: list[ModuleSummary]


class ModuleDetail(Response, schema.Module):
    url: str = Field(description="Path of the module's page on the site.")
    handout_url: str = Field(description="The printable learner handout.")
    answers_url: str = Field(description="The trainer's answer key.")
