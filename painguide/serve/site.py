"""The static site, served from whichever release is current at the time of each request.

It needs only the release directory: a broken catalog or search index never takes the pages down.

Pages are served from memory (``FastSite``): each file is read and gzipped once per release, on a thread, then
answered on the event loop with no thread hop, no gzip and no routing. Before, every page was read from disk in
two thread hops and gzipped again on the event loop; under 128 connections of searches a page took 2.9-5 s at p99
(security review 2, F12). Anything unusual (a Range, If-Modified-Since alone, a directory, a missing file, a file
too large to keep) goes to ``SiteFiles``, Starlette's StaticFiles.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import posixpath
import re
from collections import OrderedDict
from dataclasses import dataclass
from email.utils import formatdate
from stat import S_ISREG

import anyio.to_thread
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from painguide.serve import errors
from painguide.serve.caching import etag_matches
from painguide.serve.release import Releases, Unavailable

# Material's bundles carry a content hash in their names (bundle.a5f9d56c.min.js): safe to cache forever.
_HASHED = re.compile(r"\.[0-9a-f]{8}\.min\.(?:js|css)$")
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=60, must-revalidate"  # pages and our own unhashed assets change with each build

MAX_FILE_BYTES = 4 * 2**20  # a bigger file is streamed from disk by SiteFiles
MAX_KEPT_BYTES = 96 * 2**20  # all kept files, plain and gzipped (the whole real site is 23 MB on disk)
# Zips already (the curriculum's .imscc: gzip saved 4% for ~26 ms of CPU), images and fonts: never gzipped.
_INCOMPRESSIBLE = ("image/png", "image/jpeg", "image/gif", "image/webp", "font/", "application/zip", "application/vnd")
_RANGE_SPEC = re.compile(r"\s*(?:(\d+)-(\d*)|-(\d+))\s*")


def valid_range(value: str) -> bool:
    """A ``Range`` Starlette can act on: ``bytes=`` and one or more ``first-[last]`` (first <= last) or
    ``-suffix``. Anything else is ignored (RFC 9110 14.2: an unknown unit or an invalid set MAY be ignored): the
    whole file, 200, where Starlette answered 400."""
    unit, _, ranges = value.partition("=")
    if unit.strip().lower() != "bytes" or not ranges:
        return False
    for spec in ranges.split(",")[:16]:
        match = _RANGE_SPEC.fullmatch(spec)
        if match is None or (match[1] is not None and match[2] and int(match[2]) < int(match[1])):
            return False
    return True


@dataclass(frozen=True)
class _File:
    plain: bytes
    zipped: bytes | None  # None: not worth compressing
    headers: list[tuple[bytes, bytes]]  # the representation-independent ones
    etag: str  # Starlette's ETag for the file; the gzipped body's is this with -gzip


def _load(site: str, path: str) -> _File | None:
    """The file a GET of ``path`` names, read and compressed; None for anything that is not a plain, small
    regular file inside the site (SiteFiles then answers: redirect, 404 page, or refusal)."""
    rel = path.removeprefix("/")
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    parts = rel.split("/")
    if "\x00" in rel or "\\" in rel or any(p in {"", ".", ".."} for p in parts):
        return None
    full = os.path.realpath(os.path.join(site, *parts))
    if os.path.commonpath([full, site]) != site:
        return None
    try:
        stat = os.stat(full)
        if not S_ISREG(stat.st_mode) or stat.st_size > MAX_FILE_BYTES:  # (never open a FIFO: it would block)
            return None
        with open(full, "rb") as f:
            plain = f.read()
    except OSError:
        return None
    media = mimetypes.guess_type(full)[0] or "text/plain"
    if media.startswith("text/"):
        media += "; charset=utf-8"
    zipped = None
    if len(plain) >= 1024 and not media.startswith(_INCOMPRESSIBLE):
        zipped = gzip.compress(plain, compresslevel=6, mtime=0)
        if len(zipped) > len(plain) * 0.9:
            zipped = None
    # the ETag and Last-Modified StaticFiles gives the same file: a browser's cached copy stays valid
    etag = '"' + hashlib.md5(f"{stat.st_mtime}-{stat.st_size}".encode(), usedforsecurity=False).hexdigest() + '"'
    headers = [
        (b"content-type", media.encode()),
        (b"last-modified", formatdate(stat.st_mtime, usegmt=True).encode()),
        (b"cache-control", (IMMUTABLE if _HASHED.search(rel) else SHORT).encode()),
    ]
    if zipped is not None:
        headers.append((b"vary", b"accept-encoding"))
    return _File(plain, zipped, headers, etag)


class FastSite:
    """Pages from memory, kept per release and bounded by bytes (a new release empties it)."""

    def __init__(self, app: ASGIApp, releases: Releases, api_prefixes: tuple[str, ...]) -> None:
        self.app, self.releases, self.api_prefixes = app, releases, api_prefixes
        self._generation: str | None = None
        self._kept: OrderedDict[str, _File] = OrderedDict()
        self._bytes = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] not in {"GET", "HEAD"} or path.startswith(self.api_prefixes):
            await self.app(scope, receive, send)
            return
        names = {name for name, _ in scope["headers"]}
        if b"range" in names:
            values = [v.decode("latin-1") for k, v in scope["headers"] if k == b"range"]
            if len(values) == 1 and valid_range(values[0]):
                await self.app(scope, receive, send)  # a real range: StaticFiles answers 206 or 416
                return
            scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != b"range"]}
        generation = self.releases.generation()
        if generation is None or (b"if-modified-since" in names and b"if-none-match" not in names):
            await self.app(scope, receive, send)
            return
        if generation != self._generation:
            self._kept.clear()
            self._bytes, self._generation = 0, generation
        found = self._kept.get(path)
        if found is None:
            try:
                site = self.releases.site_dir()
            except Unavailable as exc:  # build/current cannot be followed (a symlink loop)
                await errors.error(503, str(exc), "degraded")(scope, receive, send)
                return
            if site is not None:
                found = await anyio.to_thread.run_sync(_load, str(site), path)
            if found is None:
                await self.app(scope, receive, send)
                return
            self._keep(path, found)
        else:
            self._kept.move_to_end(path)
        await self._send(scope, send, found)

    async def _send(self, scope: Scope, send: Send, found: _File) -> None:
        zipped = found.zipped is not None and (b"accept-encoding", b"gzip") in scope["headers"]
        etag = found.etag[:-1] + '-gzip"' if zipped else found.etag
        headers = [*found.headers, (b"etag", etag.encode())]
        match = [v.decode("latin-1") for k, v in scope["headers"] if k == b"if-none-match"]
        if match and (etag_matches(match[0], found.etag) or etag_matches(match[0], found.etag[:-1] + '-gzip"')):
            await send({"type": "http.response.start", "status": 304, "headers": headers[1:]})
            await send({"type": "http.response.body", "body": b""})
            return
        body = found.zipped if zipped and found.zipped is not None else found.plain
        headers.append((b"content-length", str(len(body)).encode()))
        headers.append((b"content-encoding", b"gzip") if zipped else (b"accept-ranges", b"bytes"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})

    def _keep(self, path: str, found: _File) -> None:
        size = len(found.plain) + len(found.zipped or b"") + len(path)
        if (old := self._kept.pop(path, None)) is not None:
            self._bytes -= len(old.plain) + len(old.zipped or b"") + len(path)
        self._kept[path] = found
        self._bytes += size
        while self._bytes > MAX_KEPT_BYTES:
            old_path, old = self._kept.popitem(last=False)
            self._bytes -= len(old.plain) + len(old.zipped or b"") + len(old_path)


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
