"""`painguide build`: load the content once → site → search index → catalog export → atomic swap.

Layout of the build directory::

    build/current -> releases/20261122T101500-1a2b3c   (a symlink, replaced with one rename)
    build/releases/<id>/docs/       every page as Markdown (hand-written and generated), and overrides/ (the
                                    theme's), which any MkDocs-compatible builder reads with
    build/releases/<id>/mkdocs.yml  the repository's mkdocs.yml with the navigation filled in (generated)
    build/releases/<id>/site/       the site: the builder's pages, finished by painguide.site.passes
    build/releases/<id>/index/      the Whoosh index
    build/releases/<id>/catalog.json
    build/releases/<id>/downloads/  LMS files (Common Cartridge, GIFT) by site path; the site has the same bytes

Everything is written into a staging directory first; only a complete release is ever pointed to,
so a failed build leaves the last good output untouched and a running server never sees half of one.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from painguide import export as lms  # LMS files; `export` here is the catalog's JSON export
from painguide import search, urls
from painguide.content.catalog import Catalog
from painguide.content.validate import load
from painguide.site import builders, passes, search_index
from painguide.site import staging as stage
from painguide.site.builders import Builder as Builder  # re-exported for the CLI

CURRENT = "current"
RELEASES = "releases"
KEEP_RELEASES = 3  # the current one and two before it, for requests still reading them
DOWNLOADS = "downloads"
BUILDERS = builders.BUILDERS  # the site builders `build` can run (`painguide build --builder`)
CSP_FILE = "csp.json"  # sha256 hashes of the inline scripts Material puts in pages (for the CSP header)
LOCK_FILE = ".lock"


class BuildLocked(RuntimeError):
    """Another `painguide build` is writing to the same output directory."""


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    """One build at a time per output directory (a second one fails at once instead of racing the prune)."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / LOCK_FILE, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(f"another build is writing to {out}; try again when it has finished") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _clean_stale(out: Path) -> None:
    # Under the lock no other build is running, so any staging directory or half-made link is left over from
    # a killed build (five of them once held 22 MB).
    for path in out.glob(".staging-*"):
        shutil.rmtree(path, ignore_errors=True)
    for path in out.glob(f".{CURRENT}-*"):
        path.unlink(missing_ok=True)


def export(catalog: Catalog) -> dict[str, Any]:
    """The whole catalog as one JSON-ready document (also served by /api/v1/export)."""
    return {
        "entries": [
            {**e.model_dump(mode="json", exclude_none=True), "url": urls.url(urls.entry_page(e))}
            for e in sorted(catalog.entries.values(), key=lambda e: e.id)
        ],
        "modules": [
            {**m.model_dump(mode="json", exclude_none=True), "url": urls.url(urls.module_page(m.id))}
            for m in sorted(catalog.modules.values(), key=lambda m: m.id)
        ],
        "sources": [s.model_dump(mode="json", exclude_none=True) for s in catalog.sources.values()],
        "glossary": [t.model_dump(mode="json", exclude_none=True) for t in catalog.glossary],
    }


def build_site(
    config_file: Path,
    catalog: Catalog,
    staged_dir: Path,
    site_url: str | None = None,
    *,
    strict: bool = True,
    downloads: dict[str, bytes] | None = None,
    builder: Builder = builders.DEFAULT,
) -> None:
    """Stage every page and the builder's mkdocs.yml into ``staged_dir`` (docs/, mkdocs.yml), run ``builder`` on
    it in strict mode (a warning or broken link fails the build), then finish each page body: sanitized, then
    its widgets filled. ``downloads`` (LMS files by site path) are written among the pages, so a page cannot
    link to one that is missing. The site is ``staged_dir/site``."""
    staged = stage.stage(config_file, catalog, staged_dir, site_url=site_url, strict=strict)
    _write_files(staged_dir / stage.DOCS, downloads or {})
    builders.run(builder, staged.config, strict=strict)
    site = staged_dir / stage.SITE
    passes.page_bodies(site, staged.pages, staged.bodies, staged.slots)
    passes.trim_search_index(site)


def configured_site_url(config_file: Path, site_url: str | None = None) -> str | None:
    """The site's public address: ``site_url`` (PAINGUIDE_SITE_URL) if given, else mkdocs.yml's (~0.2 s)."""
    if site_url:
        return site_url
    from mkdocs.config import load_config

    return str(load_config(str(config_file)).site_url or "") or None


def _write_files(root: Path, files: dict[str, bytes]) -> None:
    for name, data in sorted(files.items()):
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def build(
    content: Path,
    out: Path,
    config_file: Path,
    *,
    site: bool = True,
    site_url: str | None = None,
    builder: Builder = builders.DEFAULT,
) -> Path:
    """Validate, build everything into staging (the site with ``builder``), then publish it. Returns the new
    release path."""
    catalog = load(content)  # the one load: raises ContentError before anything is written
    with _locked(out):
        _clean_stale(out)
        releases = out / RELEASES
        releases.mkdir(parents=True, exist_ok=True)
        release_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        staging = out / f".staging-{release_id}"
        try:
            staging.mkdir()
            # The address the site is built for: cartridges link back to the module pages with it, and the
            # API's absolute links (catalog.json) use it when PAINGUIDE_SITE_URL is not set.
            public_url = configured_site_url(config_file, site_url)
            downloads = lms.downloads(catalog, public_url)
            _write_files(staging / DOWNLOADS, downloads)
            # one set of documents and synonyms for the API's index and the header box's offline index
            documents = list(search.catalog_documents(catalog))
            synonyms = search.synonym_groups(catalog)
            if site:
                build_site(config_file, catalog, staging, site_url, downloads=downloads, builder=builder)
                built = staging / stage.SITE
                hashes = passes.inline_script_hashes(built)
                passes.content_security_policy(built, hashes)
                passes.check_own_ids(built)
                (staging / CSP_FILE).write_text(json.dumps(hashes), encoding="utf-8")
                search_index.write_client_index(
                    built,
                    documents,
                    synonyms=synonyms,
                    stop_words=search.STOP_WORDS,
                    boosts=search.BOOSTS,
                    tuning=search.OFFLINE_TUNING,
                    normalize=search.normalize,
                )
            search.build_index(documents, staging / "index", synonyms=synonyms)
            _check_index(staging / "index")
            exported = {**export(catalog), "site_url": public_url}
            (staging / "catalog.json").write_text(json.dumps(exported), encoding="utf-8")
            final = releases / release_id
            staging.rename(final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        publish(out, final)
    return final


def _check_index(directory: Path) -> None:
    # Open the staged index and run a query before anything points at it: a release that cannot search is
    # not published.
    index = search.SearchIndex(directory, cache_size=0)
    try:
        index.check()
    finally:
        index.close()


def publish(out: Path, release: Path) -> None:
    link = out / f".{CURRENT}-{release.name}"
    link.symlink_to(Path(RELEASES) / release.name)
    os.replace(link, out / CURRENT)  # atomic on POSIX: readers see the old or the new, never neither
    _prune(out / RELEASES, keep=release.name)


def _prune(releases: Path, keep: str) -> None:
    old = sorted(p for p in releases.iterdir() if p.name != keep)
    for path in old[: max(0, len(old) - (KEEP_RELEASES - 1))]:
        # re-read at deletion time: never remove what `current` points to now
        if _current_name(releases.parent) in {path.name, None}:
            continue
        shutil.rmtree(path, ignore_errors=True)


def _current_name(out: Path) -> str | None:
    try:
        return Path(os.readlink(out / CURRENT)).name
    except OSError:
        return None


def current(out: Path) -> Path | None:
    """The published release, or None when nothing usable is built (none yet, or an older format)."""
    link = out / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = (out / target).resolve()
    if not (path / "catalog.json").exists() or search.index_version(path / "index") != search.INDEX_VERSION:
        return None
    return path
