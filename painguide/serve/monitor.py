"""What `/health` reports: the current release, and whether its catalog and search index can really be read.

A warm server used to say "ok" with a truncated index (every search a 500), and a cold one turned `/health`
itself into a 500. Now the index is read for real (``Release.problems``), at most every ``TTL`` seconds and
in its own thread, so a probe never waits behind the search queue; anything wrong is a 503 "degraded" that
names the part that failed.
"""

from __future__ import annotations

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
        if last is not None and (time.monotonic() - last[1] < TTL or self._checking):
            # fresh, or a check is already running: one probe checks, the others answer at once (16 probes
            # queueing behind each other's checks once pushed /health's p99 to 2 s)
            return last[2]
        self._checking = True
        try:
            problems = await anyio.to_thread.run_sync(release.problems, limiter=self._limiter)
        finally:
            self._checking = False
        self._last = (release.name, time.monotonic(), problems)
        return problems
