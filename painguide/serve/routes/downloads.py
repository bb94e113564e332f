"""LMS downloads: Common Cartridge 1.1 packages and GIFT question files (built by `painguide build`).

The bytes are made once per release, at build time, into the release's ``downloads/`` folder (the static
site holds the same files), and read once per release (``Release.download``): a request never rebuilds a
cartridge. The
response cache adds the ETag and Cache-Control every API response gets.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path
from fastapi.responses import Response

from painguide import export
from painguide.content.schema import SLUG_PATTERN
from painguide.serve.deps import CurrentRelease, Pool
from painguide.serve.models import Error
from painguide.serve.release import Release, Unavailable

router = APIRouter(tags=["downloads"])
ModuleId = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=80)]
_ZIP: dict[int | str, dict[str, Any]] = {
    200: {"content": {export.CARTRIDGE_TYPE: {}}, "description": "A Common Cartridge 1.1 package (.imscc)."}
}
_GIFT: dict[int | str, dict[str, Any]] = {200: {"content": {"text/plain": {}}, "description": "Moodle GIFT questions."}}


async def _download(release: Release, pool: Pool, name: str, media_type: str) -> Response:
    try:
        data = await pool.run(release.download, name)  # the first read of a release is disk I/O: off the loop
    except FileNotFoundError:
        raise Unavailable("this release was built without LMS downloads: run `painguide build`") from None
    filename = name.rsplit("/", 1)[-1]
    return Response(data, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _module(release: Release, module_id: str) -> str:
    if module_id not in release.modules:
        raise HTTPException(404, f"no module '{module_id}'")
    return module_id


@router.get("/cartridge.imscc", response_class=Response, responses=_ZIP)
async def curriculum_cartridge(release: CurrentRelease, pool: Pool) -> Response:
    """Every module as one course (one LMS module each, in curriculum order), as Common Cartridge 1.1."""
    return await _download(release, pool, export.CURRICULUM_FILE, export.CARTRIDGE_TYPE)


@router.get("/modules/{module_id}/cartridge.imscc", response_class=Response, responses={**_ZIP, 404: {"model": Error}})
async def module_cartridge(release: CurrentRelease, pool: Pool, module_id: ModuleId) -> Response:
    """One module as Common Cartridge 1.1: lesson pages, handout, case, assignment, a QTI 1.2 knowledge
    check, an instructor-only answer key and a link back to the module's page."""
    name = export.module_file(_module(release, module_id), "imscc")
    return await _download(release, pool, name, export.CARTRIDGE_TYPE)


@router.get("/modules/{module_id}/questions.gift", response_class=Response, responses={**_GIFT, 404: {"model": Error}})
async def module_gift(release: CurrentRelease, pool: Pool, module_id: ModuleId) -> Response:
    """One module's knowledge check in Moodle's GIFT format, for a question bank."""
    name = export.module_file(_module(release, module_id), "gift")
    return await _download(release, pool, name, export.GIFT_TYPE)
