from fastapi import APIRouter

from api.deps import CurrentRelease
from api.models import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
async def health(release: CurrentRelease) -> Health:
    return Health(
        status="ok", release=release.name, entries=len(release.entries), modules=len(release.modules)
    )
