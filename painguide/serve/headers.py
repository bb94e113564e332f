"""Security headers on every response, and HEAD answered like GET on the API.

The Content-Security-Policy is ``painguide.csp``'s (the pages carry the same one as a meta tag).
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from painguide.csp import API_POLICY, page_policy

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
        api_prefixes: tuple[str, ...],
        script_hashes: Callable[[], tuple[str, ...]],
        frame_ancestors: list[str],
    ) -> None:
        # JSON services (the API and CDS Hooks) get the policy that loads nothing; pages and /api/docs the page one
        self.app, self.api_prefixes, self.frame_ancestors = app, api_prefixes, frame_ancestors
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
        is_api = path.startswith(self.api_prefixes)
        policy = _API_POLICY if is_api else self._page_policy()
        head = scope["method"] == "HEAD" and (is_api or path.startswith("/api/"))
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
