"""How `painguide serve` runs uvicorn: bounded request heads, head and body deadlines, connections counted per
client, API work refused before routing when a client asks for too much, no banner.

uvicorn's httptools protocol had no deadline for a request body, and its ``limit_concurrency`` counts open
connections: 512 slow connections from one address made every request from everyone a 503 (security review 2,
F3). ``_BoundedHttpTools`` keeps httptools' speed (h11 halved the API's cached throughput: 6,310 against 13,176
req/s at 16 connections) and adds:

- a head over ``MAX_HEAD_BYTES`` or ``MAX_HEADERS`` gets 431, in one read or many; no Host (HTTP/1.1), two
  Hosts, or an HTTP/0.9-style line gets 400 (RFC 9112 3.2);
- the head must arrive within ``head_timeout`` s (else closed) and the body within ``body_timeout`` s plus
  1 s per ``BODY_MIN_RATE`` bytes (else 408): a 1 MB CDS bundle on a 1 Mbit/s link (8 s) passes, a body
  trickled at 1 byte per 5 s is cut at 10 s;
- at most ``max_connections_per_client`` connections per address: its own oldest idle keep-alive connection is
  closed first, 429 only when none is idle;
- ``MAX_CONNECTIONS`` connections may do API work and ``RESERVE`` more only ``/health`` and pages; when all
  are taken the oldest idle or unfinished-head connection is closed for the newcomer, so idle and slow
  connections never decide who gets a 503;
- at most ``max_api_requests_per_client`` API requests of one address at once; more get 503 ``busy`` from here,
  before the middleware and routing, after ``REFUSAL_DELAY``.

The overridden methods and the attributes read are not all public API: ``check_uvicorn`` verifies them when this
module is imported (uvicorn is bounded, not pinned), so an upgrade that renames one fails at start-up, loudly.
"""

from __future__ import annotations

import asyncio
import json
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import httptools
import uvicorn
from uvicorn.protocols.http.flow_control import FlowControl
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle
from uvicorn.server import ServerState

from painguide.serve.app import API_PREFIX, CDS_PREFIX
from painguide.settings import Settings, get_settings

MAX_HEAD_BYTES = 64 * 1024  # request line + headers; a browser sends ~1-2 KB
MAX_HEADERS = 128  # a browser sends ~20
KEEP_ALIVE = 5  # seconds an idle keep-alive connection stays open
MAX_CONNECTIONS = 512  # connections that may do API work (and requests in flight)
RESERVE = 64  # more connections, for /health and pages only
BODY_MIN_RATE = 64 * 1024  # bytes per second a body must average after its grace period (1 MB: 16 s more)
# A refused client waits this long for its 429 or 503: a client retrying in a loop (wrk, 128 connections) had
# the event loop answer ~2,000 refusals a second, /health waiting behind them (p50 820 ms; 5 ms with the delay).
REFUSAL_DELAY = 1.0
MAX_DELAYED = 1024  # refusals waiting at once (sockets held); beyond this they are answered at once
HEALTH = f"{API_PREFIX}/health"
_API = ("/api/", CDS_PREFIX)


def _response(status: str, code: str, message: str, extra: str = "") -> bytes:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    head = (
        f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n"
        f"cache-control: no-store\r\n{extra}connection: close\r\n\r\n"
    )
    return head.encode() + body


_TOO_LARGE = _response("431 Request Header Fields Too Large", "headers_too_large", "request head over 64 KB")
_TOO_MANY_HEADERS = _response("431 Request Header Fields Too Large", "headers_too_large", "over 128 headers")
_NO_HOST = _response("400 Bad Request", "bad_request", "an HTTP/1.1 request needs exactly one Host header")
_BAD_VERSION = _response("400 Bad Request", "bad_request", "only HTTP/1.0 and HTTP/1.1 are served")
_BAD_REQUEST = _response("400 Bad Request", "bad_request", "invalid HTTP request")
_TIMEOUT = _response("408 Request Timeout", "timeout", "the request body arrived too slowly")
_TOO_MANY_CONNECTIONS = _response(
    "429 Too Many Requests", "too_many_connections", "too many connections from one address", "retry-after: 1\r\n"
)
_FULL = _response("503 Service Unavailable", "busy", "the server is busy; try again in a moment", "retry-after: 1\r\n")
_BUSY_BODY = b'{"error": {"code": "busy", "message": "the server is busy; try again in a moment"}}'


@dataclass(frozen=True)
class Limits:
    head_timeout: float = 10.0
    body_timeout: float = 10.0
    per_client: int = 64  # connections per client address (0: no cap)
    api_per_client: int = 16  # API requests in flight per client address (0: no cap)

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            head_timeout=settings.head_timeout,
            body_timeout=settings.body_timeout,
            per_client=settings.max_connections_per_client,
            api_per_client=settings.max_api_requests_per_client,
        )


class _Refuse(Exception):
    """Raised inside a parser callback: the connection is answered with its ``parser_error`` and closed."""


class _Connections:
    """Every open connection of one server (oldest first) and, per client address, its connections and API
    requests in flight."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.open: dict[_BoundedHttpTools, None] = {}
        self.by_client: dict[str, dict[_BoundedHttpTools, None]] = {}
        self.api: dict[str, int] = {}
        self.api_total = 0
        self.delayed = 0  # refusals waiting for their REFUSAL_DELAY

    def later(self, loop: asyncio.AbstractEventLoop, refuse: Callable[[], None]) -> None:
        """Refuses after ``REFUSAL_DELAY`` while fewer than ``MAX_DELAYED`` wait, else at once."""
        if self.delayed >= MAX_DELAYED:
            refuse()
            return
        self.delayed += 1

        def done() -> None:
            self.delayed -= 1
            refuse()

        loop.call_later(REFUSAL_DELAY, done)

    async def pause(self) -> None:
        if self.delayed < MAX_DELAYED:
            self.delayed += 1
            try:
                await asyncio.sleep(REFUSAL_DELAY)
            finally:
                self.delayed -= 1

    def add(self, conn: _BoundedHttpTools) -> bytes | None:
        """Registers a new connection; the answer to refuse it with, or None."""
        mine = self.by_client.get(conn.client_key, {})
        if self.limits.per_client and len(mine) >= self.limits.per_client and not _evict(mine, idle_only=True):
            return _TOO_MANY_CONNECTIONS
        if len(self.open) >= MAX_CONNECTIONS + RESERVE and not _evict(self.open, idle_only=False):
            return _FULL
        conn.reserve = len(self.open) >= MAX_CONNECTIONS
        self.open[conn] = None
        self.by_client.setdefault(conn.client_key, {})[conn] = None
        return None

    def discard(self, conn: _BoundedHttpTools) -> None:
        self.open.pop(conn, None)
        mine = self.by_client.get(conn.client_key)
        if mine is not None:
            mine.pop(conn, None)
            if not mine:
                del self.by_client[conn.client_key]


def _evict(conns: dict[_BoundedHttpTools, None], idle_only: bool) -> bool:
    """Closes the connection idle longest (kept alive between requests), else, unless ``idle_only``, the one
    whose head has been arriving longest (a new one is the newest: it is never preferred to a slow head);
    False when every connection is busy with a request."""
    idle = [c for c in conns if c.evictable(idle_only=True)]
    if not idle and not idle_only:
        idle = [c for c in conns if c.evictable(idle_only=False)]
    if not idle:
        return False
    oldest = min(idle, key=lambda c: c.since)
    oldest.transport.close()
    oldest.connections_of_server.discard(oldest)  # counted out now, not when the loop reports the close
    return True


_SERVERS: weakref.WeakKeyDictionary[ServerState, _Connections] = weakref.WeakKeyDictionary()


def _is_api(path: str) -> bool:
    return path.startswith(_API) and path != HEALTH and not path.startswith("/api/docs")


async def _busy(scope: Any, receive: Any, send: Any) -> None:
    close = [(b"connection", b"close")] if scope["method"] not in {"GET", "HEAD"} else []  # a body left unread
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(_BUSY_BODY))]
    headers += [(b"retry-after", b"1"), (b"cache-control", b"no-store"), *close]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": _BUSY_BODY})


class _BoundedHttpTools(HttpToolsProtocol):
    limits: ClassVar[Limits | None] = None  # None: from the PAINGUIDE_* environment (get_settings)

    _in_head = True  # waiting for (part of) a request head
    _refusing = _shedding = _served = False
    _head_bytes = 0  # raw bytes read while in a head
    _parsed = 0  # bytes of the current head the parser has reported (catches a big head read at once)
    _headers = 0
    _deadline: asyncio.TimerHandle | None = None
    _body_timer: asyncio.TimerHandle | None = None
    _body_start = 0.0
    _body_bytes = 0
    reserve = False  # accepted beyond MAX_CONNECTIONS: /health and pages only
    connections_of_server: _Connections
    _limits: Limits
    _app: Any
    since = 0.0  # when the current state (idle, or this head) began
    client_key = ""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.client_key = self.client[0] if self.client else ""
        self.since = self.loop.time()
        self.connections_of_server = _connections(self.server_state, type(self).limits)
        self._limits = self.connections_of_server.limits
        self._app, self.app = self.app, self._dispatch
        refusal = self.connections_of_server.add(self)
        if refusal is not None:
            self._refusing = True  # (pause_reading() here is undone: asyncio adds the reader after this call)
            self.connections_of_server.later(self.loop, lambda: self._refused(refusal))
            return
        self._arm()

    def _refused(self, refusal: bytes) -> None:
        if not self.transport.is_closing():
            self.transport.write(refusal)
            self.transport.close()

    def evictable(self, idle_only: bool) -> bool:
        if self._shedding:  # waiting out its 503 delay: worth nothing, but not "idle" for its own client (churn)
            return not idle_only and not self.transport.is_closing()
        if not self._in_head or (self.cycle is not None and not self.cycle.response_complete):
            return False
        idle = self._head_bytes == 0 and self._served  # a kept-alive connection between requests
        return not self.transport.is_closing() and (idle or not idle_only)

    # --- the request head ---------------------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if self._refusing:  # refused at connect: its 429 or 503 is on the way, nothing it sends is read
            return
        if self._in_head:
            self._head_bytes += len(data)
            self._arm()
        super().data_received(data)
        # still inside one head after the parser took everything: too large?
        if self._in_head and self._head_bytes > MAX_HEAD_BYTES and not self.transport.is_closing():
            self.transport.write(_TOO_LARGE)
            self.transport.close()

    def send_400_response(self, msg: str) -> None:
        # every parser error lands here (uvicorn catches HttpParserError); ours carry their own answer
        if not self.transport.is_closing():
            self.transport.write(self.parser_error or _BAD_REQUEST)
            self.transport.close()

    parser_error: bytes | None = None

    def _refuse(self, response: bytes) -> None:
        self.parser_error = response
        raise _Refuse  # httptools turns it into HttpParserError: uvicorn calls send_400_response

    def on_url(self, url: bytes) -> None:
        self._parsed += len(url)
        if self._parsed > MAX_HEAD_BYTES:
            self._refuse(_TOO_LARGE)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._parsed += len(name) + len(value) + 4
        self._headers += 1
        if self._parsed > MAX_HEAD_BYTES:
            self._refuse(_TOO_LARGE)
        if self._headers > MAX_HEADERS:
            self._refuse(_TOO_MANY_HEADERS)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        version = self.parser.get_http_version()
        if version not in {"1.0", "1.1"}:
            self._refuse(_BAD_VERSION)
        hosts = sum(1 for name, _ in self.headers if name == b"host")
        if hosts > 1 or (hosts == 0 and version == "1.1"):
            self._refuse(_NO_HOST)
        self._in_head, self._head_bytes, self._parsed, self._headers = False, 0, 0, 0
        self._disarm()
        super().on_headers_complete()
        if any(n == b"transfer-encoding" or (n == b"content-length" and v.strip() != b"0") for n, v in self.headers):
            self._body_start, self._body_bytes = self.loop.time(), 0
            self._body_timer = self.loop.call_later(self._limits.body_timeout, self._check_body)

    # --- the request body ---------------------------------------------------------------------------------

    def on_body(self, body: bytes) -> None:
        self._body_bytes += len(body)
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._stop_body_timer()
        super().on_message_complete()
        self._in_head, self._head_bytes, self.since = True, 0, self.loop.time()  # the next bytes: a new head
        self._served = True

    def _check_body(self) -> None:
        self._body_timer = None
        if self.transport.is_closing():
            return
        now = self.loop.time()
        if self.flow.read_paused:  # we are not reading (the app is busy): not the client's fault, start again
            self._body_start, self._body_bytes = now, 0
        allowed = self._body_start + self._limits.body_timeout + self._body_bytes / BODY_MIN_RATE
        if now < allowed:
            self._body_timer = self.loop.call_at(allowed, self._check_body)
            return
        cycle = self.cycle
        if cycle is not None:
            if not cycle.response_started:
                self.transport.write(_TIMEOUT)
            cycle.disconnected = True  # the app's own answer, if any, is dropped; its receive() says so
            cycle.message_event.set()
        self.transport.close()

    def _stop_body_timer(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    # --- API work per client ------------------------------------------------------------------------------

    async def _dispatch(self, scope: Any, receive: Any, send: Any) -> None:
        if not _is_api(scope["path"]):  # /health and pages always go through
            await self._app(scope, receive, send)
            return
        conns, key, cap = self.connections_of_server, self.client_key, self._limits.api_per_client
        mine = conns.api.get(key, 0)
        reserve = self.reserve and len(conns.open) > MAX_CONNECTIONS  # (it may do API work once others left)
        if reserve or conns.api_total >= MAX_CONNECTIONS or (cap and mine >= cap):
            self._shedding = True
            try:
                await conns.pause()
            finally:
                self._shedding = False
            await _busy(scope, receive, send)
            return
        conns.api[key], conns.api_total = mine + 1, conns.api_total + 1
        try:
            await self._app(scope, receive, send)
        finally:
            conns.api_total -= 1
            if (left := conns.api[key] - 1) > 0:
                conns.api[key] = left
            else:
                del conns.api[key]

    # --- timers and the end -------------------------------------------------------------------------------

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self._stop_body_timer()
        self.connections_of_server.discard(self)
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(self._limits.head_timeout, self._too_slow)

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


def _connections(state: ServerState, limits: Limits | None) -> _Connections:
    found = _SERVERS.get(state)
    if found is None:
        found = _SERVERS[state] = _Connections(limits or Limits.from_settings(get_settings()))
    return found


# uvicorn names this module relies on beyond its documented options: methods overridden or called, and
# attributes read or written (instance attributes are checked in the code of the constructors that set them).
_METHODS = {
    HttpToolsProtocol: (
        "connection_made",
        "connection_lost",
        "data_received",
        "send_400_response",
        "on_url",
        "on_header",
        "on_headers_complete",
        "on_body",
        "on_message_complete",
    ),
}
_ATTRIBUTES = {
    HttpToolsProtocol: ("app", "loop", "transport", "flow", "client", "cycle", "headers", "parser", "server_state"),
    RequestResponseCycle: ("disconnected", "response_started", "response_complete", "message_event"),
    FlowControl: ("read_paused",),
}


def check_uvicorn() -> None:
    """Fails loudly when the installed uvicorn no longer has what ``_BoundedHttpTools`` overrides or reads."""
    missing = [f"{cls.__name__}.{name}" for cls, names in _METHODS.items() for name in names if not hasattr(cls, name)]
    for cls, names in _ATTRIBUTES.items():
        init: Any = vars(cls)["__init__"]
        assigned = set(init.__code__.co_names)
        missing += [f"{cls.__name__}.{name}" for name in names if name not in assigned]
    if not hasattr(httptools.HttpRequestParser, "get_http_version"):
        missing.append("httptools.HttpRequestParser.get_http_version")
    if missing:
        raise RuntimeError(
            f"uvicorn {uvicorn.__version__} changed: painguide/serve/server.py relies on {', '.join(missing)}; "
            "update _BoundedHttpTools (or pin uvicorn to a version that has them)"
        )


def options(settings: Settings | None = None) -> dict[str, Any]:
    """uvicorn options for `painguide serve`, the test server and the benchmarks. With ``settings``, the limits
    are bound to a subclass (one process, as in tests); without, they come from the environment when the
    server starts (a class that uvicorn's worker processes can import)."""
    check_uvicorn()
    http: type[_BoundedHttpTools] = _BoundedHttpTools
    if settings is not None:
        http = type("_BoundHttpTools", (_BoundedHttpTools,), {"limits": Limits.from_settings(settings)})
    return {
        "http": http,
        "timeout_keep_alive": KEEP_ALIVE,
        "limit_concurrency": None,  # counted here instead: uvicorn's count includes idle connections
        "server_header": False,  # no version banner
    }


OPTIONS = options()


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
