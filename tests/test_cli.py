"""The `painguide` command as an author meets it: exit codes, messages, no tracebacks.

In-process through ``main()`` (a subprocess re-imports everything and reloads the ICD-10 code set: ~4 s each,
nine of them were 99 s of the suite), except one test that runs the real `python -m painguide.cli` for what
only a process shows: its exit status and stderr. The real corpus is validated in strict mode once per run
(the ``real_strict`` fixture, tests/conftest.py).
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from painguide.cli import main
from painguide.content.validate import load
from tests.helpers import FIXTURE_CONTENT, MKDOCS, ROOT, copy_content


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "painguide.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_validate_clean_tree_exits_0(capsys):
    assert main(["validate", str(FIXTURE_CONTENT)]) == 0
    assert "14 entries, 1 modules" in capsys.readouterr().out


def test_validate_broken_tree_exits_1_with_located_messages_and_no_traceback(tmp_path):
    root = copy_content(tmp_path)
    path = root / "treatments/acetaminophen.yaml"
    path.write_text(path.read_text().replace("component: medications", "component: astrology"))
    (root / "barriers/stigma.yaml").write_text("id: stigma\ntitle: [unclosed\n")
    result = run("validate", str(root))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert f"{path}:4: component: 'astrology' is not one of medications" in result.stderr
    assert f"{root}/barriers/stigma.yaml:3: YAML syntax error" in result.stderr
    assert "2 problem(s) found" in result.stderr


def test_validate_default_directory_is_the_real_content(real_strict):
    code, out, err = real_strict  # `painguide validate --strict`, no directory given, run from the repository
    assert code == 0, err
    entries = [p for p in (ROOT / "guidelines").rglob("*.yaml") if p.parent.name not in {"guidelines", "modules"}]
    assert out.startswith(f"guidelines: {len(entries)} entries"), out


def test_validate_relative_paths_are_shown_relative(tmp_path, monkeypatch, capsys):
    root = copy_content(tmp_path)
    (root / "topics/therapeutic-alliance.yaml").write_bytes(b"\xff\xfe")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "guidelines"]) == 1
    assert "guidelines/topics/therapeutic-alliance.yaml:1: not valid UTF-8" in capsys.readouterr().err


@pytest.mark.slow
def test_failed_build_exits_1_and_keeps_the_previous_build(tmp_path, capsys):
    root = copy_content(tmp_path)
    out = tmp_path / "build"
    assert main(["build", "--content", str(root), "--out", str(out), "--config", str(MKDOCS)]) == 0
    before = sorted(p.relative_to(out) for p in (out / "current").resolve().rglob("*"))
    target = (out / "current").resolve()
    (root / "treatments/acetaminophen.yaml").write_text("id: acetaminophen\n: broken\n")
    capsys.readouterr()
    assert main(["build", "--content", str(root), "--out", str(out), "--config", str(MKDOCS)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "acetaminophen.yaml" in err and "nothing was changed" in err
    assert (out / "current").resolve() == target
    assert sorted(p.relative_to(out) for p in target.rglob("*")) == before
    assert not list(out.glob(".staging-*"))


def test_strict_mode_reports_language_and_reading_level_with_locations(tmp_path, capsys):
    root = copy_content(tmp_path)
    path = root / "treatments/acetaminophen.yaml"
    text = path.read_text()
    text = text.replace(
        "  what_it_is: >-\n", "  what_it_is: >-\n    Some people call a person who needs it an addict.\n", 1
    )
    hard = (
        "Notwithstanding considerable interindividual pharmacokinetic heterogeneity, hepatotoxicity "
        "predominantly manifests following supratherapeutic consumption of acetaminophen-containing formulations. "
    )
    text = text.replace("  how_it_may_help: >-\n", "  how_it_may_help: >-\n    " + hard * 12 + "\n", 1)
    path.write_text(text)
    assert main(["validate", str(root)]) == 0, capsys.readouterr().err  # the schema is fine: editorial rules
    capsys.readouterr()
    assert main(["validate", "--strict", str(root)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:80: patient.what_it_is: 'addict' is stigmatizing" in err
    assert f"{path}:80: patient: the patient layer reads at Flesch-Kincaid grade" in err


def test_strict_mode_passes_the_fixture_and_the_real_content(capsys, real_strict):
    assert main(["validate", "--strict", str(FIXTURE_CONTENT)]) == 0, capsys.readouterr().err
    code, _, err = real_strict
    assert code == 0, err


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("PAINGUIDE_RESPONSE_CACHE_SIZE", "-1", "setting PAINGUIDE_RESPONSE_CACHE_SIZE: Input should be greater"),
        ("PAINGUIDE_CORS_ORIGINS", "https://a.org", "list settings are JSON"),
    ],
)
def test_bad_settings_are_one_line_not_a_traceback(monkeypatch, capsys, name, value, expected):
    from painguide.settings import get_settings

    monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        assert main(["validate", str(FIXTURE_CONTENT)]) == 2
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert expected in err and len(err.strip().splitlines()) == 1


def _export(*args: str) -> list[str]:
    return ["export", *args, "--content", str(FIXTURE_CONTENT)]


def test_export_cartridge_writes_a_module_or_the_whole_curriculum(tmp_path, capsys, monkeypatch):
    from painguide.export import cartridge
    from painguide.settings import get_settings
    from tests.export.cc import check

    monkeypatch.setenv("PAINGUIDE_SITE_URL", "https://pg.example/")
    get_settings.cache_clear()
    try:
        one, every = tmp_path / "one.imscc", tmp_path / "all.imscc"
        assert (
            main([*_export("cartridge", "--module", "fixture-basics", "--out", str(one)), "--config", str(MKDOCS)]) == 0
        )
        assert main([*_export("cartridge", "--out", str(every)), "--config", str(MKDOCS)]) == 0
    finally:
        get_settings.cache_clear()
    assert f"wrote {one}" in capsys.readouterr().out
    catalog = load(FIXTURE_CONTENT)
    module = catalog.modules["fixture-basics"]
    assert one.read_bytes() == cartridge.module_cartridge(module, catalog, "https://pg.example/")
    assert every.read_bytes() == cartridge.curriculum_cartridge(catalog, "https://pg.example/")
    check(every.read_bytes())


def test_export_gift_writes_one_modules_questions(tmp_path):
    from painguide.export import gift

    out = tmp_path / "q.gift"
    assert main(_export("gift", "--module", "fixture-basics", "--out", str(out))) == 0
    assert out.read_text(encoding="utf-8") == gift.questions(load(FIXTURE_CONTENT).modules["fixture-basics"])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["cartridge", "--module", "nope", "--out", "x.imscc"], "painguide: no module 'nope'"),
        (["gift", "--module", "nope", "--out", "x.gift"], "(modules: fixture-basics)"),
        (["gift", "--module", "fixture-basics", "--out", "/no/such/dir/x.gift"], "cannot write /no/such/dir/x.gift"),
        (["cartridge", "--out", "x.imscc", "--config", "/no/such/mkdocs.yml"], "cannot read the site configuration"),
    ],
)
def test_export_bad_input_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys, args, expected):
    monkeypatch.chdir(tmp_path)
    assert main(_export(*args)) == 2
    err = capsys.readouterr().err
    assert expected in err and len(err.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())  # nothing written


def test_export_of_broken_content_exits_1_and_writes_nothing(tmp_path, capsys):
    root = copy_content(tmp_path)
    (root / "modules/fixture-basics.yaml").write_text("type: module\nid: fixture-basics\n")
    out = tmp_path / "x.gift"
    assert main(["export", "gift", "--module", "fixture-basics", "--out", str(out), "--content", str(root)]) == 1
    err = capsys.readouterr().err
    assert "fixture-basics.yaml" in err and "nothing was written" in err and not out.exists()


def test_debug_shows_where_a_failed_build_failed(tmp_path, capsys, caplog):
    # a build that fails outside the content (here: no mkdocs.yml) prints one line; --debug adds its traceback
    args = [
        "build",
        "--content",
        str(FIXTURE_CONTENT),
        "--out",
        str(tmp_path / "b"),
        "--config",
        str(tmp_path / "x.yml"),
    ]
    assert main(args) == 1
    assert "build failed:" in capsys.readouterr().err and "Traceback" not in caplog.text
    assert not any(r.exc_info for r in caplog.records)
    caplog.clear()
    try:
        assert main(["--debug", *args]) == 1
        assert any(r.exc_info for r in caplog.records if r.name == "painguide"), caplog.text
    finally:
        logging.getLogger("painguide").setLevel(logging.NOTSET)  # main() set it for the process
