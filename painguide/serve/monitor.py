"""What `/health` reports: the current release, and whether its catalog and search index can really be read.

A warm server used to say "ok" with a truncated index (every search a 500), and a cold one turned `/health`
itself into a 500. Now the index is read for real (``Release.problems``), at most every ``TTL`` seconds and
in its own thread, so a probe never waits behind the search queue; anything wrong is a 503 "degraded" that
names the part that failed. A probe after ``TTL`` gets the last result and starts the next check: a fault
shows from the next probe after that check.
"""

from __future__ import annotations

import asyncio
import time

import anyio
import anyio.to_thread

from painguide.serve.models import Health
from painguide.serve.release import Release, Releases, Unavailable

TTL = 2.0  # seconds a check result is reused: probes every 0.2 s cost one index read per 2 s


class Monitor:
    def __init__(self, releases: Releases) -> None:
        self._releases = releases
        self._limiter = anyio.CapacityLimiter(1)
        self._last: tuple[str, float, list[str]] | None = None
        self._checking = False
        self._tasks: set[asyncio.Task[list[str]]] = set()  # background checks (kept: the loop holds tasks weakly)

    async def report(self) -> Health:
        try:
            release = self._releases.ready()
            if release is None:
                release = await anyio.to_thread.run_sync(self._releases.get, limiter=self._limiter)
        except Unavailable as exc:  # (NotBuilt propagates: 503 "not_built", as on every API route)
            return Health(status="degraded", release=self._releases.generation(), problems=[str(exc)])
        problems = await self._problems(release)
        return Health(
            status="degraded" if problems else "ok",
            release=release.name,
            entries=len(release.entries),
            modules=len(release.modules),
            problems=problems,
        )

    async def _problems(self, release: Release) -> list[str]:
        last = self._last if self._last is not None and self._last[0] == release.name else None
        if last is None:  # a new release: the first probe waits for its check
            return await self._check(release)
        if time.monotonic() - last[1] >= TTL and not self._checking:
            # stale: checked again in the background, this probe answers with the last result. A probe that
            # waited for the check (a thread, behind two busy search threads for the interpreter lock) was the
            # slowest /health every 2 s under load: 390 ms at 128 connections
            self._checking = True
            self._tasks.add(task := asyncio.get_running_loop().create_task(self._check(release)))
            task.add_done_callback(self._tasks.discard)
        return last[2]

    async def _check(self, release: Release) -> list[str]:
        self._checking = True
        try:
            problems = await anyio.to_thread.run_sync(release.problems, limiter=self._limiter)
        finally:
            self._checking = False
        self._last = (release.name, time.monotonic(), problems)
        return problems
