"""Security headers on every response, and HEAD answered like GET on the API.

The Content-Security-Policy allows only the site's own scripts plus the hashes of the few inline scripts
Material writes into every page (computed at build time: ``painguide.publish.inline_script_hashes``). With it,
each stored-XSS payload of the security review would have been blocked even before escaping was fixed, and
``base-uri 'none'`` stops a ``<base href>`` from loading the site's JavaScript from another host.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# JSON responses never need to load anything.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def page_policy(script_hashes: tuple[str, ...], frame_ancestors: list[str]) -> str:
    scripts = " ".join(("'self'", *script_hashes))
    framers = " ".join(frame_ancestors) or "'none'"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",  # Material sets inline styles; content cannot (sanitized)
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {framers}",
        ]
    )


_API_POLICY = API_POLICY.encode()
COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    def __init__(
        self,
        app: ASGIApp,
        api_prefix: str,
        script_hashes: Callable[[], tuple[str, ...]],
        frame_ancestors: list[str],
    ) -> None:
        self.app, self.api_prefix, self.frame_ancestors = app, api_prefix, frame_ancestors
        self.script_hashes = script_hashes
        self._policy: tuple[tuple[str, ...], bytes] | None = None

    def _page_policy(self) -> bytes:
        hashes = self.script_hashes()
        if self._policy is None or self._policy[0] != hashes:
            self._policy = (hashes, page_policy(hashes, self.frame_ancestors).encode())
        return self._policy[1]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        is_api = path.startswith("/api/") and not path.startswith("/api/docs")
        policy = _API_POLICY if is_api else self._page_policy()
        head = scope["method"] == "HEAD" and path.startswith("/api/")
        if head:  # FastAPI routes are GET-only; uptime checks use HEAD
            scope = {**scope, "method": "GET"}

        async def add(message: Message) -> None:
            if message["type"] == "http.response.start":
                # appended as raw pairs: MutableHeaders.setdefault per header cost ~10% of a cached API request
                message["headers"] = [*message.get("headers", ()), *COMMON, (b"content-security-policy", policy)]
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, add)
