"""HTTP caching for successful API GETs, as plain ASGI middleware (no per-request task).

Every 200 gets an ETag (a hash of its body) and Cache-Control; a request whose If-None-Match names
the ETag gets a bodiless 304. Answers about a patient (an Infobutton URL carries the patient's code, a CDS call
their conditions) and ``/health`` are ``private, no-store`` (security review 2, F13): a shared cache on the
path would learn which code a patient has; every other API 200 is ``public``.

Responses are also kept in memory, keyed by path and query string, for
as long as the release that produced them is current: the API is read-only, so a response only
changes when a new build is swapped in, and a repeated request (the common case: a search box's
popular queries, a portal polling an entry) skips routing, validation and rendering altogether.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from urllib.parse import parse_qsl

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from painguide.serve.infobutton import PARAMETERS

MAX_CACHED_BYTES = 64 * 2**20  # all cached bodies and keys together; a bigger body is served, not kept
MAX_KEY_BYTES = 1024  # a longer query string is served, not kept (4096 junk 64 KB keys once held 263 MB)
# The query parameters any API route takes. A request with any other name is served but never cached, so
# junk parameters can neither fill the cache nor evict popular responses.
KNOWN_PARAMETERS = frozenset({"q", "type", "component", "audience", "tag", "limit", "offset"}) | PARAMETERS

PRIVATE = b"private, no-store"

_Key = tuple[str, tuple[tuple[str, str], ...]]
_Stored = tuple[list[tuple[bytes, bytes]], bytes, str]  # headers, body, ETag


def cache_key(path: str, query_string: bytes) -> _Key | None:
    """The key of a cacheable request: its path and its parameters as the routes read them (the last value
    of a repeated name wins, order does not matter), or None when the request should not be cached."""
    if len(query_string) > MAX_KEY_BYTES:
        return None
    try:
        pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    except ValueError:
        return None
    if any(name not in KNOWN_PARAMETERS for name, _ in pairs):
        return None
    return path, tuple(sorted(dict(pairs).items()))


def _key_bytes(key: _Key) -> int:
    return len(key[0]) + sum(len(k) + len(v) for k, v in key[1]) + 64  # + tuple overhead, roughly


def etag_matches(header: str, etag: str) -> bool:
    """If-None-Match: ``*`` or a comma-separated list of tags, compared weakly (RFC 9110 13.1.2)."""
    if header.strip() == "*":
        return True
    ours = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == ours for tag in header.split(",")[:256])


class ResponseCache:
    def __init__(
        self,
        app: ASGIApp,
        prefix: str,
        max_age: int,
        generation: Callable[[], str | None],
        size: int = 4096,
        skip: tuple[str, ...] = (),
        private: Callable[[str], bool] = lambda path: False,
    ) -> None:
        self.app, self.prefix, self.max_age, self.skip = app, prefix, max_age, skip
        self.private = private  # paths answered "private, no-store", errors included
        # which build is current (None: nothing built); a change empties the cache
        self.generation = generation
        self.size = size
        self._generation: str | None = None
        self._stored: OrderedDict[_Key, _Stored] = OrderedDict()
        self._bytes = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        private = scope["type"] == "http" and self.private(path)
        if private:
            send = _no_store(send)
        if scope["type"] != "http" or scope["method"] != "GET" or not path.startswith(self.prefix) or path in self.skip:
            await self.app(scope, receive, send)
            return
        key = cache_key(path, scope.get("query_string", b""))
        generation = self.generation() if self.size and key is not None else None
        if generation is not None and generation != self._generation:
            self._stored.clear()
            self._bytes = 0
            self._generation = generation
        if generation is not None and key is not None and (stored := self._stored.get(key)) is not None:
            self._stored.move_to_end(key)
            headers, body, etag = stored
            await self._respond(
                scope, send, {"type": "http.response.start", "status": 200, "headers": list(headers)}, body, etag
            )
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            assert start is not None
            body = b"".join(chunks)
            if start["status"] != 200:
                await send(start)
                await send({"type": "http.response.body", "body": body})
                return
            etag = 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
            headers = MutableHeaders(scope=start)
            headers["ETag"] = etag
            headers["Cache-Control"] = PRIVATE.decode() if private else f"public, max-age={self.max_age}"
            if generation is not None and key is not None:
                self._keep(key, (list(start["headers"]), body, etag))
            await self._respond(scope, send, start, body, etag)

        await self.app(scope, receive, buffer)

    async def _respond(self, scope: Scope, send: Send, start: Message, body: bytes, etag: str) -> None:
        if etag_matches(Headers(scope=scope).get("if-none-match", ""), etag):
            headers = MutableHeaders(scope=start)
            start["status"] = 304
            del headers["content-length"]
            del headers["content-type"]
            body = b""
        await send(start)
        await send({"type": "http.response.body", "body": body})

    def _keep(self, key: _Key, stored: _Stored) -> None:
        size = len(stored[1]) + _key_bytes(key)
        if size > MAX_CACHED_BYTES:
            return
        if (old := self._stored.pop(key, None)) is not None:
            self._bytes -= len(old[1]) + _key_bytes(key)
        self._stored[key] = stored
        self._bytes += size
        while len(self._stored) > self.size or self._bytes > MAX_CACHED_BYTES:
            old_key, (_, body, _) = self._stored.popitem(last=False)
            self._bytes -= len(body) + _key_bytes(old_key)


def _no_store(send: Send) -> Send:
    async def private(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != b"cache-control"]
            message = {**message, "headers": [*headers, (b"cache-control", PRIVATE)]}
        await send(message)

    return private
