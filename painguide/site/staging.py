"""The staged site: every page as Markdown, and the builder's configuration, written before any builder runs.

``stage`` writes into one directory everything a MkDocs-compatible builder (MkDocs, ProperDocs, Zensical)
needs, with no hook inside the builder:

- ``docs/``: the hand-written pages (docs/) and every generated page, each with the glossary abbreviations
  appended and its body between the build's nonce'd markers (``passes.Bodies``), and the static files;
- ``overrides/``: a copy of the theme's ``custom_dir``;
- ``mkdocs.yml``: the repository's mkdocs.yml with the navigation, ``docs_dir``, ``site_dir`` and the site's
  address filled in, and without the painguide plugin (it exists only for ``mkdocs serve``).

What the builder renders is then finished by ``painguide.site.passes`` over the built HTML.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from painguide.content.catalog import Catalog
from painguide.site import curriculum, entries, navigation, tools
from painguide.site.passes import Bodies
from painguide.site.widgets import Slots

CONFIG = "mkdocs.yml"
DOCS = "docs"
SITE = "site"
OVERRIDES = "overrides"
PLUGIN = "painguide"
# MkDocs' own front-matter rule (mkdocs.utils.meta.YAML_RE): the builder strips exactly this before rendering,
# so the start marker goes right after it.
_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)


class StagingError(ValueError):
    """A page or the configuration cannot be staged (a located message)."""


@dataclass(frozen=True)
class Staged:
    """What the builder and the passes need: the markers, the widgets, which pages are hand-written and the
    builder's configuration file."""

    bodies: Bodies
    slots: Slots
    pages: dict[str, bool]  # site-relative HTML path -> hand-written
    config: Path


def pages(catalog: Catalog, slots: Slots) -> Iterator[tuple[str, str]]:
    """Every generated page as (docs-relative path, Markdown)."""
    yield from entries.generate(catalog, slots)
    yield from curriculum.generate(catalog, slots)
    yield from tools.generate(catalog, slots)  # also yields tools-data.js, copied as a static file


def site_slots(catalog: Catalog) -> Slots:
    return Slots(fixed={"find": entries.find_form(catalog)})


def body_markdown(markdown: str, abbreviations: str, bodies: Bodies, *, name: str) -> str:
    """A page's Markdown as the builder must render it (front matter already taken off): the glossary
    abbreviations appended (they become tooltips on every page), and the body markers around it."""
    wrapped = bodies.wrap(f"{markdown}\n\n{abbreviations}\n")
    if wrapped is None:
        raise StagingError(f"{name}: a page's Markdown starts with its level-1 heading ('# Title')")
    return wrapped


def page_text(text: str, abbreviations: str, bodies: Bodies, *, name: str) -> str:
    """A page file as staged: its front matter, which must give the page's ``title`` (every builder then takes
    the same one), and then ``body_markdown``."""
    match = _FRONT_MATTER.match(text)
    meta = yaml.safe_load(match.group(1)) if match else None
    if not match or not isinstance(meta, dict) or not str(meta.get("title") or "").strip():
        raise StagingError(f"{name}:1: front matter: a page starts with '---' front matter giving its title")
    # MkDocs takes the newlines after the front matter off too (mkdocs.utils.meta.get_data).
    return text[: match.end()] + body_markdown(text[match.end() :].lstrip("\n"), abbreviations, bodies, name=name)


def stage_docs(catalog: Catalog, hand_written: Path, docs_dir: Path) -> tuple[Bodies, Slots, dict[str, bool]]:
    """Write the hand-written pages and every generated page into ``docs_dir``, ready for any builder. Returns
    the markers, the widgets and the pages (docs-relative path -> hand-written)."""
    shutil.copytree(hand_written, docs_dir)
    bodies, slots = Bodies(), site_slots(catalog)
    abbreviations = entries.abbreviations(catalog)
    staged = {path.relative_to(docs_dir).as_posix(): True for path in sorted(docs_dir.rglob("*.md"))}
    for path, text in pages(catalog, slots):
        target = docs_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        if path.endswith(".md"):
            staged[path] = False
    for path in staged:
        target = docs_dir / path
        text = target.read_text(encoding="utf-8")
        target.write_text(page_text(text, abbreviations, bodies, name=path), encoding="utf-8")
    return bodies, slots, staged


def read_config(config_file: Path) -> dict[str, Any]:
    """The repository's mkdocs.yml as plain data (it uses no ``!`` tags: the generated copy is plain YAML)."""
    try:
        config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise StagingError(f"{config_file}: {exc}") from None
    if not isinstance(config, dict):
        raise StagingError(f"{config_file}:1: not a mapping")
    return config


def stage(
    config_file: Path, catalog: Catalog, staging: Path, *, site_url: str | None = None, strict: bool = True
) -> Staged:
    """Stage the pages into ``staging/docs`` and write the builder's mkdocs.yml beside them (generated: plain
    YAML, no comments), with a copy of the theme overrides."""
    config = read_config(config_file)
    root = config_file.parent
    bodies, slots, written = stage_docs(catalog, root / config.get("docs_dir", DOCS), staging / DOCS)
    config["docs_dir"], config["site_dir"] = DOCS, SITE
    config["strict"] = strict
    if site_url:
        config["site_url"] = site_url
    config["nav"] = navigation.nav(catalog)
    config.pop("watch", None)  # paths of the repository, for `mkdocs serve` only
    config["plugins"] = [p for p in config.get("plugins", []) if p != PLUGIN and not _is_plugin(p)]
    theme = config.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        shutil.copytree(root / theme["custom_dir"], staging / OVERRIDES)
        theme["custom_dir"] = OVERRIDES
    target = staging / CONFIG
    target.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
    directory_urls = bool(config.get("use_directory_urls", True))
    built = {html_path(page, directory_urls=directory_urls): hand for page, hand in written.items()}
    return Staged(bodies, slots, built, target)


def _is_plugin(entry: object) -> bool:
    return isinstance(entry, dict) and PLUGIN in entry


def html_path(page: str, *, directory_urls: bool) -> str:
    """Where a builder writes a docs-relative Markdown page (MkDocs' rule, which the others follow)."""
    stem = page.removesuffix(".md")
    if not directory_urls or stem == "index" or stem.endswith("/index"):
        return stem + ".html"
    return stem + "/index.html"
