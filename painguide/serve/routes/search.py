from dataclasses import fields
from typing import Annotated

from fastapi import APIRouter, Query

from painguide.search import MAX_QUERY_LENGTH, Filters
from painguide.serve import views
from painguide.serve.deps import CurrentRelease, Pool
from painguide.serve.models import Completion, Completions, SearchQuery, SearchResults

router = APIRouter(tags=["search"])
# The query parameters the search layer filters on (its Filters fields; a test checks SearchQuery has each).
FILTERS = {f.name for f in fields(Filters)}
Q = Annotated[str, Query(min_length=1, max_length=MAX_QUERY_LENGTH, description="Plain text; no syntax.")]


@router.get("/search", response_model=SearchResults)
async def search(release: CurrentRelease, pool: Pool, query: Annotated[SearchQuery, Query()]) -> SearchResults:
    filters = Filters(**query.model_dump(include=FILTERS))
    index, args = release.search, (query.q, filters, query.limit, query.offset)
    results = index.cached(*args)  # a cache hit costs less than the hop to a worker thread
    return views.search_results(results if results is not None else await pool.run(index.search, *args))


@router.get("/suggest", response_model=Completions)
async def suggest(
    release: CurrentRelease, pool: Pool, q: Q, limit: Annotated[int, Query(ge=1, le=20)] = 8
) -> Completions:
    found = await pool.run(release.search.suggest, q, limit)
    return Completions(query=q, completions=[Completion(**vars(s)) for s in found])
