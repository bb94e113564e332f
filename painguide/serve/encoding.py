"""Accept-Encoding, parsed as RFC 9110 says: tokens are case-insensitive and ``q=0`` means "not this".

Starlette's gzip middleware tests for the substring "gzip", so ``gzip;q=0`` got gzip, ``notgzip`` got gzip and
``GZIP`` did not. ``AcceptEncoding`` rewrites the request's header to the one decision the gzip middleware
then acts on.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send


def _weights(header: str) -> dict[str, float]:
    weights: dict[str, float] = {}
    for part in header.split(",")[:64]:  # no client needs more; bounds the work
        token, *params = (p.strip() for p in part.split(";"))
        if not token:
            continue
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[token.lower()] = weight
    return weights


def accepts_gzip(header: str) -> bool:
    weights = _weights(header)
    if "gzip" in weights:
        return weights["gzip"] > 0
    return weights.get("*", 0.0) > 0


class AcceptEncoding:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            values = [v for k, v in scope["headers"] if k == b"accept-encoding"]
            if values and values != [b"gzip"]:  # (a lone "gzip" already says what it means)
                headers = [(k, v) for k, v in scope["headers"] if k != b"accept-encoding"]
                if accepts_gzip(b", ".join(values).decode("latin-1")):
                    headers.append((b"accept-encoding", b"gzip"))
                scope = {**scope, "headers": headers}
        await self.app(scope, receive, send)
