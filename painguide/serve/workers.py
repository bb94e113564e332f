"""CPU-bound work (search, related, export, opening a release) runs in a bounded thread pool, never on the
event loop, so `/health` and static pages keep answering while search is saturated.

Before this, 32 connections of distinct typo queries made `/health` fail 9 of 12 probes and a static page take
7.9 s: each search ran inside the async route and held the loop for up to ~130 ms. Searches are serialized
inside one index anyway (a Whoosh searcher is not thread-safe), so a couple of threads keep the CPU busy; a
bounded queue in front of them sheds load with a quick 503 instead of letting latency grow without limit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread

T = TypeVar("T")


class Busy(RuntimeError):
    """Too much CPU-bound work is already queued: answer 503 with Retry-After."""


class CpuPool:
    def __init__(self, threads: int, queue: int) -> None:
        self._limiter = anyio.CapacityLimiter(threads)
        self._queue = queue
        self._waiting = 0

    async def run(self, func: Callable[..., T], *args: object) -> T:
        if self._waiting >= self._queue:
            raise Busy("the server is busy; try again in a moment")
        self._waiting += 1
        try:
            return await anyio.to_thread.run_sync(func, *args, limiter=self._limiter)
        finally:
            self._waiting -= 1
