from typing import Annotated

from fastapi import APIRouter, Query

from api import views
from api.deps import CurrentRelease
from api.models import Completion, Completions, SearchResults, SearchType
from painguide.schema import SLUG_PATTERN, Audience, ComponentId
from painguide.search import MAX_QUERY_LENGTH, Filters

router = APIRouter(tags=["search"])
Q = Annotated[str, Query(min_length=1, max_length=MAX_QUERY_LENGTH, description="Plain text; no syntax.")]


@router.get("/search", response_model=SearchResults)
def search(
    release: CurrentRelease,
    q: Q,
    type: SearchType | None = None,
    component: ComponentId | None = None,
    audience: Audience | None = None,
    tag: Annotated[str | None, Query(pattern=SLUG_PATTERN, max_length=80)] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    offset: Annotated[int, Query(ge=0, le=1000)] = 0,
) -> SearchResults:
    filters = Filters(type=type, component=component, audience=audience, tag=tag)
    return views.search_results(release.search.search(q, filters, limit, offset))


@router.get("/suggest", response_model=Completions)
def suggest(release: CurrentRelease, q: Q, limit: Annotated[int, Query(ge=1, le=20)] = 8) -> Completions:
    found = release.search.suggest(q, limit)
    return Completions(query=q, completions=[Completion(**vars(s)) for s in found])
