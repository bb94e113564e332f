"""The MkDocs plugin (entry point ``painguide``): generated pages, navigation, glossary tooltips, the page
sanitizer and the site's widgets.

``painguide build`` loads and validates the content once and hands the plugin its ``Catalog``, with the pages
already written into a staging ``docs_dir`` (plain Markdown another MkDocs-compatible builder can read);
under ``mkdocs serve`` the plugin loads the tree named by its ``content_dir`` option and adds the pages itself.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from painguide.content.catalog import Catalog
from painguide.content.problems import ContentError
from painguide.content.validate import load
from painguide.site import curriculum, entries, navigation, search_index, tools
from painguide.site.sanitize import sanitize_page
from painguide.site.widgets import Slots


def pages(catalog: Catalog, slots: Slots) -> Iterator[tuple[str, str]]:
    """Every generated page as (docs-relative path, Markdown)."""
    yield from entries.generate(catalog, slots)
    yield from curriculum.generate(catalog, slots)
    yield from tools.generate(catalog, slots)  # also yields tools-data.js, copied as a static file


def stage_docs(catalog: Catalog, hand_written: Path, docs_dir: Path) -> tuple[Slots, set[str]]:
    """Write the hand-written pages and every generated page into ``docs_dir``. Returns the widgets' slots
    and the generated paths, for the plugin that builds from there."""
    shutil.copytree(hand_written, docs_dir)
    slots = site_slots(catalog)
    generated = set()
    for path, text in pages(catalog, slots):
        target = docs_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        generated.add(path)
    return slots, generated


def site_slots(catalog: Catalog) -> Slots:
    return Slots(fixed={"find": entries.find_form(catalog)})


class PainGuideConfig(base.Config):  # type: ignore[no-untyped-call]  # mkdocs' Config.__init_subclass__
    content_dir = c.Type(str, default="guidelines")  # used only when no catalog is handed over (mkdocs serve)


class PainGuidePlugin(BasePlugin[PainGuideConfig]):  # type: ignore[no-untyped-call]  # (the same)
    def __init__(self) -> None:
        # set by painguide.publish before the build; None under `mkdocs serve`
        self.catalog: Catalog | None = None
        self.staged: tuple[Slots, set[str]] | None = None
        self._catalog: Catalog | None = None
        self._slots = Slots()
        self._generated: set[str] = set()
        self._abbreviations = ""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        catalog = self.catalog
        if catalog is None:
            root = Path(config.config_file_path).parent
            try:
                catalog = load(root / self.config.content_dir)
            except ContentError as exc:
                raise PluginError(str(exc)) from None
        self._catalog = catalog
        self._abbreviations = entries.abbreviations(catalog)
        if self.staged is not None:
            self._slots, self._generated = self.staged
        else:
            self._slots, self._generated = site_slots(catalog), set()
        config.nav = navigation.nav(catalog)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if self.staged is None and self._catalog is not None:  # mkdocs serve: the pages are not on disk
            for path, text in pages(self._catalog, self._slots):
                files.append(File.generated(config, path, content=text))
                self._generated.add(path)
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # Glossary abbreviations become tooltips on every page (Markdown `abbr`).
        return f"{markdown}\n\n{self._abbreviations}\n"

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # Every page is sanitized; the site's own widgets (quiz, builder, find form, print buttons) go in after.
        hand_written = page.file.src_uri not in self._generated
        return self._slots.fill(sanitize_page(html), hand_written=hand_written)

    # After Material's search plugin has written its index (priority 0), before the offline plugin inlines
    # it into search_index.js (-100): our worker does not read it (see search_index.py).
    @event_priority(-50)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        search_index.trim_material_index(Path(config.site_dir))
