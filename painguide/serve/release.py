"""The published build as the server sees it: catalog, search index and site, one generation at a time.

A request asks ``Releases.get()`` for the current generation. When ``painguide build`` has swapped in
a new one, the next request opens it (one searcher, one fresh cache); requests already holding the old
generation finish on it undisturbed.

The parts fail separately: the static site needs only the release directory (``Releases.site_dir``), the
entry and module routes need the catalog, search needs the index. A part that cannot be opened is reported
as ``Unavailable`` (HTTP 503, and ``/health`` says "degraded"), and the failure is remembered for that
generation instead of being retried by every request.
"""

from __future__ import annotations

import gc
import gzip
import json
import logging
import os
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from painguide import publish, search
from painguide.content import kinds
from painguide.content.schema import DOCUMENT, EntryModel, Module

log = logging.getLogger("painguide.serve.release")


class NotBuilt(RuntimeError):
    """Nothing has been built yet: run `painguide build`."""


class Unavailable(RuntimeError):
    """A part of the current release (its catalog or its search index) cannot be opened or read."""


@dataclass
class Page:
    total: int
    items: list[Any]


class Release:
    def __init__(self, path: Path, search_cache_size: int = 2048) -> None:
        self.path = path
        self.name = path.name
        self.site_dir = path / "site"
        self.exported: dict[str, Any] = json.loads((path / "catalog.json").read_text(encoding="utf-8"))
        # The public address the site was built for (absolute links in Infobutton feeds and CDS cards).
        self.site_url: str | None = self.exported.get("site_url")
        # The catalog was validated when it was built: skip the per-field Markdown render and sanitize check
        # (the rest of the schema still runs, so a tampered or truncated catalog fails here, loudly).
        trusted = {"trusted": True}
        self.entries: dict[str, EntryModel] = {}
        for data in self.exported["entries"]:
            entry = DOCUMENT.validate_python({k: v for k, v in data.items() if k != "url"}, context=trusted)
            if isinstance(entry, Module):
                raise ValueError(f"catalog.json lists module {entry.id} among the entries")
            self.entries[entry.id] = entry
        self.modules: dict[str, Module] = {}
        for data in self.exported["modules"]:
            module = DOCUMENT.validate_python({k: v for k, v in data.items() if k != "url"}, context=trusted)
            if not isinstance(module, Module):
                raise ValueError(f"catalog.json lists entry {module.id} among the modules")
            self.modules[module.id] = module
        self._search: search.SearchIndex | None = None
        self._downloads: dict[str, bytes] = {}  # two threads may both read a file once; either result is right
        self._search_error: str | None = None
        try:
            self._search = search.SearchIndex(path / "index", cache_size=search_cache_size)
        except Exception as exc:  # any corruption: the catalog routes and the site still work
            log.error("search index of %s cannot be opened: %r", self.name, exc)
            self._search_error = f"the search index cannot be opened ({type(exc).__name__})"

    @property
    def search(self) -> search.SearchIndex:
        if self._search is None:
            raise Unavailable(self._search_error or "the search index is not open")
        return self._search

    def problems(self) -> list[str]:
        """What is wrong with this release right now (empty when healthy): reads the index for real."""
        if self._search is None:
            return [self._search_error or "the search index is not open"]
        try:
            self._search.check()
        except Exception as exc:
            log.error("search index of %s failed its check: %r", self.name, exc)
            return [f"the search index cannot be read ({type(exc).__name__})"]
        return []

    @cached_property
    def export_bytes(self) -> bytes:
        return json.dumps(self.exported, separators=(",", ":")).encode()

    @cached_property
    def export_gzip(self) -> bytes:
        # Compressed once per release: level 9 on every request capped the export at ~25 requests/s.
        return gzip.compress(self.export_bytes, compresslevel=6, mtime=0)

    def download(self, name: str) -> bytes:
        """An LMS file of this release (``downloads/<site path>``), read from disk once: a release directory
        never changes. FileNotFoundError when the release has no such file."""
        if (data := self._downloads.get(name)) is None:
            data = self._downloads[name] = (self.path / publish.DOWNLOADS / name).read_bytes()
        return data

    @cached_property
    def codes(self) -> dict[tuple[str, str], list[EntryModel]]:
        """Entries by the (system, code) pairs they carry, for Infobutton and CDS Hooks lookups."""
        found: dict[tuple[str, str], list[EntryModel]] = {}
        for entry in self.entries.values():
            for code in entry.codes:
                found.setdefault((code.system, code.code), []).append(entry)
        return found

    def list_entries(
        self, type: str | None, component: str | None, audience: str | None, limit: int, offset: int
    ) -> Page:
        chosen = [
            e
            for e in self.entries.values()
            if (type is None or e.type == type)
            and (component is None or kinds.component_of(e) == component)
            and (audience is None or audience in e.audiences)
        ]
        chosen.sort(key=lambda e: (e.type, e.id))
        return Page(len(chosen), chosen[offset : offset + limit])

    def list_modules(self, audience: str | None) -> Page:
        chosen = [m for m in self.modules.values() if audience is None or audience in m.audiences]
        chosen.sort(key=lambda m: m.id)
        return Page(len(chosen), chosen)

    def related(self, entry_id: str, limit: int = 5) -> tuple[list[EntryModel], list[EntryModel]]:
        """Explicitly related entries, then entries whose text is most alike."""
        entry = self.entries[entry_id]
        explicit = [self.entries[r] for r in entry.related if r in self.entries]
        text = search.entry_document(entry)
        alike = self.search.more_like(
            entry_id, f"{text['summary']}\n{text['clinician']}", exclude=entry.related, limit=limit
        )
        return explicit, [self.entries[i] for i in alike if i in self.entries]


class Releases:
    """Follows ``build/current``; reopens only when it points somewhere new."""

    def __init__(self, build_dir: Path, search_cache_size: int = 2048) -> None:
        self.build_dir = build_dir
        self._search_cache_size = search_cache_size
        self._lock = threading.Lock()
        self._target: str | None = None
        self._release: Release | None = None
        self._failure: str | None = None  # why the current target could not be opened
        self._hashes: tuple[str, tuple[str, ...]] | None = None

    def ready(self) -> Release | None:
        """The open release when it is current (no I/O beyond one readlink), else None: the caller opens it
        with ``get()``, off the event loop."""
        target = self._link_target()
        if target is not None and target == self._target and self._release is not None:
            return self._release
        return None

    def generation(self) -> str | None:
        """Which build ``build/current`` points at now (None when nothing is built)."""
        return self._link_target()

    def _link_target(self) -> str | None:
        try:
            return os.readlink(self.build_dir / publish.CURRENT)
        except OSError:
            return None

    def get(self) -> Release:
        if (release := self.ready()) is not None:
            return release
        with self._lock:
            target = self._link_target()
            if target == self._target and self._failure is not None:
                raise Unavailable(self._failure)
            if target != self._target or self._release is None:
                try:
                    path = publish.current(self.build_dir)
                except (OSError, RuntimeError) as exc:  # build/current is a symlink loop: every URL 500 once
                    raise Unavailable(f"the current build cannot be opened ({type(exc).__name__})") from None
                if path is None:
                    raise NotBuilt("nothing is built (or the build is from an older version): run `painguide build`")
                self._target, self._release, self._failure = target, None, None
                try:
                    self._release = Release(path, self._search_cache_size)
                    # The release's ~55k long-lived objects made a full garbage collection pause searches for
                    # 12-22 ms; frozen, a collection skips them (0.26 ms). A swap leaves the old ones frozen
                    # until the process restarts: a few MB per release, the price of flat latency.
                    gc.freeze()
                except Exception as exc:  # a truncated or tampered catalog.json
                    log.error("release %s cannot be opened: %r", path.name, exc)
                    self._failure = f"the catalog cannot be read ({type(exc).__name__})"
                    raise Unavailable(self._failure) from None
            return self._release

    def site_dir(self) -> Path | None:
        """The current site directory, without opening the catalog or the index: static pages stay up when
        either is broken. None when nothing is built; ``Unavailable`` when ``build/current`` cannot be followed."""
        target = self._link_target()
        if target is None:
            return None
        try:
            site = (self.build_dir / target / "site").resolve()
            return site if site.is_dir() else None
        except (OSError, RuntimeError) as exc:  # a symlink loop (RuntimeError before Python 3.13, then OSError)
            raise Unavailable(f"the current build cannot be opened ({type(exc).__name__})") from None

    def script_hashes(self) -> tuple[str, ...]:
        """CSP hashes of the inline scripts in the current site's pages (read once per generation)."""
        target = self._link_target()
        if target is None:
            return ()
        if self._hashes is not None and self._hashes[0] == target:
            return self._hashes[1]
        path = self.build_dir / target / publish.CSP_FILE
        try:
            hashes = tuple(json.loads(path.read_text()))
        except (OSError, ValueError):
            hashes = ()
        self._hashes = (target, hashes)
        return hashes
