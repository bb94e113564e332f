"""The published build as the server sees it: catalog, search index and site, one generation at a time.

A request asks ``Releases.get()`` for the current generation. When ``painguide build`` has swapped in
a new one, the next request opens it (one searcher, one fresh cache); requests already holding the old
generation finish on it undisturbed.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from painguide import build, search, urls
from painguide.schema import DOCUMENT, Module


class NotBuilt(RuntimeError):
    """Nothing has been built yet: run `painguide build`."""


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
        # The catalog was validated when it was built: skip the per-field Markdown render and sanitize check
        # (the rest of the schema still runs, so a tampered or truncated catalog fails here, loudly).
        trusted = {"trusted": True}
        self.entries: dict[str, Any] = {}
        for data in self.exported["entries"]:
            fields = {k: v for k, v in data.items() if k != "url"}
            self.entries[data["id"]] = DOCUMENT.validate_python(fields, context=trusted)
        self.modules: dict[str, Module] = {
            m["id"]: DOCUMENT.validate_python({k: v for k, v in m.items() if k != "url"}, context=trusted)
            for m in self.exported["modules"]
        }
        self.search = search.SearchIndex(path / "index", cache_size=search_cache_size)

    @cached_property
    def export_bytes(self) -> bytes:
        return json.dumps(self.exported, separators=(",", ":")).encode()

    def entry_url(self, entry: Any) -> str:
        return urls.url(urls.entry_page(entry))

    def module_url(self, module_id: str) -> str:
        return urls.url(urls.module_page(module_id))

    def list_entries(
        self, type: str | None, component: str | None, audience: str | None, limit: int, offset: int
    ) -> Page:
        chosen = [
            e
            for e in self.entries.values()
            if (type is None or e.type == type)
            and (
                component is None
                or getattr(e, "component", None) == component
                or (e.type == "component" and e.id == component)
            )
            and (audience is None or audience in e.audiences)
        ]
        chosen.sort(key=lambda e: (e.type, e.id))
        return Page(len(chosen), chosen[offset : offset + limit])

    def list_modules(self, audience: str | None) -> Page:
        chosen = [m for m in self.modules.values() if audience is None or audience in m.audiences]
        chosen.sort(key=lambda m: m.id)
        return Page(len(chosen), chosen)

    def related(self, entry_id: str, limit: int = 5) -> tuple[list[Any], list[Any]]:
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

    def generation(self) -> str | None:
        """Which build ``build/current`` points at now (None when nothing is built)."""
        return self._link_target()

    def _link_target(self) -> str | None:
        try:
            return os.readlink(self.build_dir / build.CURRENT)
        except OSError:
            return None

    def get(self) -> Release:
        target = self._link_target()
        if target is not None and target == self._target and self._release is not None:
            return self._release
        with self._lock:
            target = self._link_target()
            if target != self._target or self._release is None:
                path = build.current(self.build_dir)
                if path is None:
                    raise NotBuilt("nothing is built (or the build is from an older version): run `painguide build`")
                self._release = Release(path, self._search_cache_size)
                self._target = target
            return self._release

    def site_dir(self) -> Path | None:
        try:
            return self.get().site_dir
        except NotBuilt:
            return None
