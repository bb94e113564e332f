"""How `painguide serve` runs uvicorn: bounded request heads, a head-read deadline, no banner.

uvicorn's httptools protocol (its fast parser) accepted 16 MB headers, and four unfinished 100 MB headers grew
the server by 500 MB; uvicorn has no deadline for a request head either (50 slowloris connections stayed open
indefinitely). ``_BoundedHttpTools`` keeps httptools' speed and adds both: a request head larger than
``MAX_HEAD_BYTES`` gets 431 and the connection is closed, and a connection whose request head has not arrived
whole within ``HEAD_TIMEOUT`` seconds is closed. (h11, whose own limit does the first, halved the API's cached
throughput: 6,310 against 13,176 req/s for an entry at 16 connections, measured with wrk.)
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD_BYTES = 64 * 1024  # request line + headers; a browser sends ~1-2 KB
HEAD_TIMEOUT = 10.0  # seconds to send a whole request head
KEEP_ALIVE = 5  # seconds an idle keep-alive connection stays open
MAX_CONNECTIONS = 512  # beyond this uvicorn answers 503 at once instead of queueing without bound

_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/json\r\n"
    b"content-length: 80\r\nconnection: close\r\n\r\n"
    b'{"error": {"code": "headers_too_large", "message": "request head over 64 KB"}}  '
)


class _BoundedHttpTools(HttpToolsProtocol):
    _in_head = True  # waiting for (part of) a request head
    _head_bytes = 0
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._head_bytes += len(data)
            self._arm()
        super().data_received(data)
        # still inside one head after the parser took everything: too large?
        if self._in_head and self._head_bytes > MAX_HEAD_BYTES and not self.transport.is_closing():
            self.transport.write(_TOO_LARGE)
            self.transport.close()

    def on_headers_complete(self) -> None:
        self._in_head, self._head_bytes = False, 0
        self._disarm()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head_bytes = True, 0  # the next bytes start a new head

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
        # armed when a connection opens and when a new head starts arriving; between requests uvicorn's
        # keep-alive timeout (5 s) closes idle connections first
        self._deadline = None
        if self._in_head and not self.transport.is_closing():
            self.transport.close()


# The same options for `painguide serve`, the test server and the benchmarks.
OPTIONS: dict[str, Any] = {
    "http": _BoundedHttpTools,
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
