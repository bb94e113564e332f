"""How `painguide serve` runs uvicorn: bounded headers, a header-read deadline, no banner, relative redirects.

httptools (uvicorn's default parser) accepted 16 MB headers and four unfinished 100 MB headers grew the server
by 500 MB; uvicorn has no deadline for the first request's headers either (50 slowloris connections stayed
open indefinitely). h11 caps an unfinished request head (``MAX_HEAD_BYTES``), and ``_DeadlineH11`` closes a
connection whose request head has not arrived whole within ``HEAD_TIMEOUT`` seconds.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

MAX_HEAD_BYTES = 64 * 1024  # request line + headers; a browser sends ~1-2 KB
HEAD_TIMEOUT = 10.0  # seconds to send a whole request head
KEEP_ALIVE = 5  # seconds an idle keep-alive connection stays open
MAX_CONNECTIONS = 512  # beyond this uvicorn answers 503 at once instead of queueing without bound


class _DeadlineH11(H11Protocol):
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE:
            self._arm()  # still waiting for a whole request head
        else:
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(HEAD_TIMEOUT, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


# The same options for `painguide serve`, the test server and the benchmarks.
OPTIONS: dict[str, Any] = {
    "http": _DeadlineH11,
    "h11_max_incomplete_event_size": MAX_HEAD_BYTES,
    "timeout_keep_alive": KEEP_ALIVE,
    "limit_concurrency": MAX_CONNECTIONS,
    "server_header": False,  # no version banner
}


def run(host: str, port: int, workers: int, log_level: str) -> None:
    uvicorn.run(
        "painguide.serve.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        **OPTIONS,
    )
