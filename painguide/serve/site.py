"""The static site, served from whichever release is current at the time of each request.

It needs only the release directory: a broken catalog or search index never takes the pages down.
"""

from __future__ import annotations

import os
import posixpath
import re

from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from painguide.serve.release import Releases

# Material's bundles carry a content hash in their names (bundle.a5f9d56c.min.js): safe to cache forever.
_HASHED = re.compile(r"\.[0-9a-f]{8}\.min\.(?:js|css)$")
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=60, must-revalidate"  # pages and our own unhashed assets change with each build


class SiteFiles(StaticFiles):
    def __init__(self, releases: Releases) -> None:
        super().__init__(directory=None, html=True, check_dir=False)
        self.releases = releases

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        site = self.releases.site_dir()
        if site is None:
            return "", None
        self.all_directories = [site]  # StaticFiles still checks the path stays inside it
        return super().lookup_path(path)

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if isinstance(response, RedirectResponse):
            # Starlette builds an absolute URL from the Host header (reflected: cache poisoning, open
            # redirect); "/treatments" -> "treatments/" resolves to the same place on any host.
            target = posixpath.basename(scope["path"].rstrip("/")) + "/"
            query = scope.get("query_string", b"").decode("latin-1")
            response.headers["location"] = target + (f"?{query}" if query else "")
        elif response.status_code in {200, 304, 206}:
            response.headers["cache-control"] = IMMUTABLE if _HASHED.search(path) else SHORT
        return response
