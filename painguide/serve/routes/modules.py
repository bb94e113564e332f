from typing import Annotated

from fastapi import APIRouter, HTTPException, Path

from painguide.content.schema import SLUG_PATTERN, Role
from painguide.serve import views
from painguide.serve.deps import CurrentRelease
from painguide.serve.models import Error, ModuleDetail, ModuleList

router = APIRouter(prefix="/modules", tags=["modules"])


@router.get("", response_model=ModuleList)
async def list_modules(release: CurrentRelease, audience: Role | None = None) -> ModuleList:
    page = release.list_modules(audience)
    return ModuleList(total=page.total, items=[views.module_summary(m) for m in page.items])


@router.get("/{module_id}", response_model=ModuleDetail, responses={404: {"model": Error}})
async def get_module(
    release: CurrentRelease, module_id: Annotated[str, Path(pattern=SLUG_PATTERN, max_length=80)]
) -> ModuleDetail:
    if module_id not in release.modules:
        raise HTTPException(404, f"no module '{module_id}'")
    return views.module_detail(release.modules[module_id])
