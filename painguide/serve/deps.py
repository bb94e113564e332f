"""Dependencies shared by the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from painguide.serve.release import Release, Releases
from painguide.serve.workers import CpuPool


async def get_pool(request: Request) -> CpuPool:  # async: a sync dependency costs a thread hop
    pool: CpuPool = request.app.state.pool
    return pool


async def get_release(request: Request) -> Release:
    releases: Releases = request.app.state.releases
    if (release := releases.ready()) is not None:
        return release
    # Opening a release parses the catalog and opens the index (~0.3 s; 3.3 s for the amplified one):
    # never on the event loop.
    pool: CpuPool = request.app.state.pool
    return await pool.run(releases.get)


CurrentRelease = Annotated[Release, Depends(get_release)]
Pool = Annotated[CpuPool, Depends(get_pool)]
