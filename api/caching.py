"""ETag and Cache-Control for successful API GETs, as plain ASGI middleware (no per-request task)."""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ETagMiddleware:
    def __init__(self, app: ASGIApp, prefix: str, max_age: int, skip: tuple[str, ...] = ()) -> None:
        self.app, self.prefix, self.max_age, self.skip = app, prefix, max_age, skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not path.startswith(self.prefix)
            or path in self.skip
        ):
            await self.app(scope, receive, send)
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
            headers = MutableHeaders(scope=start)
            if start["status"] == 200:
                etag = 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
                headers["ETag"] = etag
                headers["Cache-Control"] = f"public, max-age={self.max_age}"
                if etag in Headers(scope=scope).get("if-none-match", ""):
                    start["status"] = 304
                    del headers["content-length"]
                    del headers["content-type"]
                    body = b""
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffer)
