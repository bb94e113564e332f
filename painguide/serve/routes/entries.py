from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query

from painguide.content.schema import SLUG_PATTERN, Audience, ComponentId, EntryType
from painguide.serve import views
from painguide.serve.deps import CurrentRelease, Pool
from painguide.serve.models import EntryDetail, EntryDetailModel, EntryList, Error, RelatedList

router = APIRouter(prefix="/entries", tags=["entries"])
EntryId = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=80)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Error, "description": "No entry with that id."}}


@router.get("", response_model=EntryList)
async def list_entries(
    release: CurrentRelease,
    type: EntryType | None = None,
    component: ComponentId | None = None,
    audience: Audience | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> EntryList:
    page = release.list_entries(type, component, audience, limit, offset)
    return EntryList(total=page.total, items=[views.entry_summary(e) for e in page.items])


@router.get("/{entry_id}", response_model=EntryDetail, responses=NOT_FOUND)
async def get_entry(release: CurrentRelease, entry_id: EntryId) -> EntryDetailModel:
    if entry_id not in release.entries:
        raise HTTPException(404, f"no entry '{entry_id}'")
    return views.entry_detail(release.entries[entry_id])


@router.get("/{entry_id}/related", response_model=RelatedList, responses=NOT_FOUND)
async def related(
    release: CurrentRelease, pool: Pool, entry_id: EntryId, limit: Annotated[int, Query(ge=1, le=20)] = 5
) -> RelatedList:
    if entry_id not in release.entries:
        raise HTTPException(404, f"no entry '{entry_id}'")
    explicit, alike = await pool.run(release.related, entry_id, limit)
    return RelatedList(
        id=entry_id,
        related=[views.entry_summary(e) for e in explicit],
        more_like_this=[views.entry_summary(e) for e in alike],
    )
