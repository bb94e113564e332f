"""The MkDocs plugin: `painguide build` hands it the catalog (the content is validated once); plain MkDocs
(`mkdocs serve`/`mkdocs build`) makes it load the tree named by its `content_dir` option."""

from __future__ import annotations

from pathlib import Path

import pytest

from painguide import publish
from painguide.content import validate as validation
from tests.helpers import FIXTURE_CONTENT, MKDOCS


@pytest.mark.slow
def test_publish_validates_the_content_once(tmp_path, monkeypatch):
    calls: list[Path] = []
    original = validation.validate

    def counted(root: Path, strict: bool = False):  # type: ignore[no-untyped-def]
        calls.append(root)
        return original(root, strict)

    monkeypatch.setattr(validation, "validate", counted)
    release = publish.build(FIXTURE_CONTENT, tmp_path / "out", MKDOCS)
    assert calls == [FIXTURE_CONTENT]  # was 2: once in build, once again inside the MkDocs hooks
    # every page, hand-written and generated, is kept as Markdown another builder can read
    docs = release / "docs"
    assert (docs / "index.md").is_file() and (docs / "treatments" / "medications" / "acetaminophen.md").is_file()
    assert "Acetaminophen" in (docs / "treatments" / "medications" / "acetaminophen.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_plain_mkdocs_loads_the_content_itself(tmp_path):
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    config = load_config(str(MKDOCS), site_dir=str(tmp_path / "site"), strict=True)
    config.plugins["painguide"].config.content_dir = str(FIXTURE_CONTENT)
    mkdocs_build(config)
    page = (tmp_path / "site" / "trainers" / "fixture-basics" / "index.html").read_text(encoding="utf-8")
    assert 'class="pg-quiz"' in page  # the widget slot was filled after sanitizing
    assert "data-pg-slot" not in page
