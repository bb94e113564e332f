"""`painguide build` runs no plugin hook: it stages every page and the navigation into a generated mkdocs.yml
before the builder and finishes the pages after it. The MkDocs plugin is there for `mkdocs serve` only, where it
does the same steps with the same functions."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from painguide import publish
from painguide.content import validate as validation
from painguide.site import navigation
from tests.helpers import FIXTURE_CONTENT, MKDOCS


@pytest.mark.slow
def test_publish_validates_the_content_once_and_stages_everything_a_builder_reads(
    tmp_path, monkeypatch, fixture_catalog
):
    calls: list[Path] = []
    original = validation.validate

    def counted(root: Path, strict: bool = False):  # type: ignore[no-untyped-def]
        calls.append(root)
        return original(root, strict)

    monkeypatch.setattr(validation, "validate", counted)
    release = publish.build(FIXTURE_CONTENT, tmp_path / "out", MKDOCS)
    assert calls == [FIXTURE_CONTENT]
    # every page, hand-written and generated, is kept as Markdown another builder can read
    docs = release / "docs"
    page = (docs / "treatments" / "medications" / "acetaminophen.md").read_text(encoding="utf-8")
    assert (docs / "index.md").is_file() and "# Acetaminophen" in page
    assert "*[APAP]: Acetaminophen" in page  # the glossary abbreviations, appended in staging
    # ... with the navigation in a generated mkdocs.yml (plain YAML) that runs no painguide plugin
    config = yaml.safe_load((release / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["nav"] == navigation.nav(fixture_catalog)
    assert (config["docs_dir"], config["site_dir"], config["strict"]) == ("docs", "site", True)
    assert "painguide" not in str(config["plugins"]) and "watch" not in config
    assert (release / config["theme"]["custom_dir"] / "main.html").is_file()
    lines = (release / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    assert not any(line.lstrip().startswith("#") for line in lines)  # generated: no comments to go stale


@pytest.mark.slow
def test_mkdocs_serve_builds_with_the_plugin_alone(tmp_path):
    # `mkdocs serve` is `mkdocs build` into a temporary directory, then a watcher: the plugin loads the content,
    # adds the pages and the navigation, and runs the same passes over what MkDocs wrote.
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    config = load_config(str(MKDOCS), site_dir=str(tmp_path / "site"), strict=True)
    config.plugins["painguide"].config.content_dir = str(FIXTURE_CONTENT)
    mkdocs_build(config)
    page = (tmp_path / "site" / "trainers" / "fixture-basics" / "index.html").read_text(encoding="utf-8")
    assert 'class="pg-quiz"' in page  # the widget slot was filled after sanitizing
    assert "data-pg-slot" not in page and "pg-body:" not in page
    assert "<abbr" in (tmp_path / "site" / "treatments" / "medications" / "acetaminophen.html").read_text()
    find = (tmp_path / "site" / "find.html").read_text(encoding="utf-8")
    assert '<form class="pg-find"' in find and "data-pg-slot" not in find  # a hand-written page: its fixed slot
    assert (tmp_path / "site" / "search" / "lunr_index.json").is_file()


def test_the_plugin_refuses_a_page_that_does_not_start_with_its_heading():
    from mkdocs.exceptions import PluginError

    from painguide.site.plugin import PainGuidePlugin

    plugin = PainGuidePlugin()

    class _File:
        src_uri = dest_uri = "page.md"

    class _Page:
        file = _File()

    with pytest.raises(PluginError, match=r"page\.md"):
        plugin.on_page_markdown("Text first.", page=_Page(), config=None, files=None)  # type: ignore[arg-type]
