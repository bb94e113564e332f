"""Dependencies shared by the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from painguide.release import Release, Releases


async def get_release(request: Request) -> Release:
    releases: Releases = request.app.state.releases
    return releases.get()


CurrentRelease = Annotated[Release, Depends(get_release)]
