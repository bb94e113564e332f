"""The MkDocs plugin (entry point ``painguide``), for ``mkdocs serve`` only: live reload while writing content.

``painguide build`` does not use it: it stages every page and the navigation before the builder runs
(``painguide.site.staging``) and finishes the built pages after it (``painguide.site.passes``), so any
MkDocs-compatible builder can render the site. Under ``mkdocs serve`` the plugin does the same steps from inside
MkDocs, with the same functions: it loads the tree named by its ``content_dir`` option, sets the navigation,
adds the generated pages, wraps each page's Markdown like the staged files, and runs the page passes on the
built site.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from painguide.content.problems import ContentError
from painguide.content.validate import load
from painguide.site import entries, navigation, passes, staging
from painguide.site.widgets import Slots


class PainGuideConfig(base.Config):  # type: ignore[no-untyped-call]  # mkdocs' Config.__init_subclass__
    content_dir = c.Type(str, default="guidelines")


class PainGuidePlugin(BasePlugin[PainGuideConfig]):  # type: ignore[no-untyped-call]  # (the same)
    def __init__(self) -> None:
        self._bodies = passes.Bodies()
        self._slots = Slots()
        self._abbreviations = ""
        self._generated: dict[str, str] = {}  # docs-relative path -> Markdown
        self._pages: dict[str, bool] = {}  # site-relative HTML path -> hand-written, of this build

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path).parent
        try:
            catalog = load(root / self.config.content_dir)
        except ContentError as exc:
            raise PluginError(str(exc)) from None
        self._bodies, self._slots = passes.Bodies(), staging.site_slots(catalog)
        self._abbreviations = entries.abbreviations(catalog)
        self._generated = dict(staging.pages(catalog, self._slots))
        self._pages = {}
        config.nav = navigation.nav(catalog)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        for path, text in self._generated.items():
            files.append(File.generated(config, path, content=text))
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        self._pages[page.file.dest_uri] = page.file.src_uri not in self._generated
        try:
            return staging.body_markdown(markdown, self._abbreviations, self._bodies, name=page.file.src_uri)
        except staging.StagingError as exc:
            raise PluginError(str(exc)) from None

    # After Material's search plugin has written its index (priority 0), before the offline plugin inlines
    # it into search_index.js (-100).
    @event_priority(-50)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        passes.page_bodies(site, self._pages, self._bodies, self._slots)
        passes.trim_search_index(site)
