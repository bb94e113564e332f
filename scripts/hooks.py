"""MkDocs hooks: generate every content page from the catalog at build time (nothing is committed).

`mkdocs serve` re-runs these on each change to guidelines/ (see `watch:` in mkdocs.yml).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from painguide import pages, render
from painguide.catalog import Catalog, ContentError, load
from painguide.widgets import Slots

_state: dict[str, Any] = {}


def _catalog() -> Catalog:
    return _state["catalog"]


def on_config(config: Any) -> Any:
    content = config["extra"].get("content_dir") or "guidelines"
    root = Path(config.config_file_path).parent
    try:
        catalog = load((root / content) if not Path(content).is_absolute() else Path(content))
    except ContentError as exc:
        raise PluginError(str(exc)) from None
    _state["catalog"] = catalog
    _state["abbreviations"] = pages.abbreviations(catalog)
    _state["slots"] = Slots(fixed={"find": pages.find_form(catalog)})
    config["nav"] = pages.nav(catalog)
    return config


def on_files(files: Files, config: Any) -> Files:
    for path, text in pages.generate(_catalog(), _state["slots"]):
        files.append(File.generated(config, path, content=text))
    return files


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    # Glossary abbreviations become tooltips on every page (Markdown `abbr` + content.tooltips).
    return f"{markdown}\n\n{_state['abbreviations']}\n"


def on_page_content(html: str, page: Any, **_: Any) -> str:
    # Every page, generated or hand-written, is sanitized: content was validated, but the abbreviation
    # tooltips reach every page, and a hand-written page is content too.
    # The site's own widgets (quiz, builder, find form, print buttons) go in after sanitizing.
    return _state["slots"].fill(render.sanitize_page(html), hand_written=page.file.generated_by is None)
