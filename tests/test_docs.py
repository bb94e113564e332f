"""Docs that fall behind the code fail here."""

from __future__ import annotations

import re

import yaml

from painguide.cli import parser
from scripts.export_schema import TARGET, render
from tests.helpers import MKDOCS, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
API_PAGE = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")


def test_schema_json_is_current():
    assert TARGET.read_text(encoding="utf-8") == render(), "guidelines/schema.json is stale: run `make schema`"


def test_readme_documents_every_cli_command():
    root = parser()
    for action in root._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag != "--help":
                assert f"painguide {flag}" in README, flag
    commands = root._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name, sub in commands.items():
        assert f"painguide {name}" in README, name
        for action in sub._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag not in {"--help", "--log-level"}:
                    assert flag in README, f"{name} {flag}"


def test_readme_has_the_two_commands():
    assert "make run" in README and "make test" in README


def test_every_endpoint_is_documented(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in paths:
        shown = re.sub(r"\{\w+_id\}", "{id}", path)
        assert shown in README, f"README does not document {path}"
        assert shown in API_PAGE, f"docs/api.md does not document {path}"


def test_every_make_target_in_readme_exists():
    makefile = (ROOT / "Makefile").read_text()
    for target in set(re.findall(r"`make (\w[\w-]*)`", README)):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target


def test_mkdocs_is_strict_watches_content_and_uses_the_plugin():
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load(MKDOCS.read_text(), Loader=Loader)
    assert config["strict"] is True
    assert "guidelines" in config["watch"]
    assert {"painguide": {"content_dir": "guidelines"}} in config["plugins"]
    assert "hooks" not in config
    assert config["theme"]["font"] is False
    assert config["site_description"]


def test_ci_runs_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_readme_documents_every_setting():
    from painguide.settings import Settings

    for name in Settings.model_fields:
        assert f"`PAINGUIDE_{name.upper()}`" in README, name
