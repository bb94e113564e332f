"""The README's recipe for a new kind of entry, followed literally: a model in schema.py (added to the
``EntryModel`` union) and one ``EntryKind`` row in kinds.py, then one content file. The strict build must give
the kind its index page and its navigation entry with no other edit.

The recipe is applied as text edits to a private copy of the package (imported first through PYTHONPATH), so
no registry is monkeypatched: whatever the build derives from the schema and the registry, it derives here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import MKDOCS, ROOT, copy_content

MODEL = """

class SettingEntry(PatientFacing):
    type: Literal["setting"]

"""
ROW = """    EntryKind(
        "setting",
        "Care setting",
        "settings",
        "settings",
        "Care settings",
        "Where pain care happens, and what each place can offer.",
        "Where you get care",
        infobutton_rank=5,
    ),
"""


def _edit(path: Path, anchor: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(anchor) == 1, f"{path.name}: the recipe's anchor {anchor!r} moved; update this test"
    path.write_text(text.replace(anchor, new), encoding="utf-8")


@pytest.mark.slow
def test_a_model_and_one_row_add_a_kind(tmp_path: Path) -> None:
    package = tmp_path / "pkg" / "painguide"
    shutil.copytree(ROOT / "painguide", package, ignore=shutil.ignore_patterns("__pycache__"))
    schema = package / "content" / "schema.py"
    _edit(schema, "\n\n# The kinds of entry, written once", MODEL + "\n# The kinds of entry, written once")
    _edit(schema, "    | PopulationEntry\n)", "    | PopulationEntry\n    | SettingEntry\n)")
    _edit(package / "content" / "kinds.py", "\n)\nBY_TYPE", "\n" + ROW + ")\nBY_TYPE")

    content = copy_content(tmp_path)
    (content / "settings").mkdir()
    topic = (content / "topics" / "therapeutic-alliance.yaml").read_text(encoding="utf-8")
    assert "\ntype: topic\n" in topic
    setting = topic.replace("\ntype: topic\n", "\ntype: setting\n")
    setting = setting.replace("\nid: therapeutic-alliance\n", "\nid: primary-care\n")
    (content / "settings" / "primary-care.yaml").write_text(setting, encoding="utf-8")

    out = tmp_path / "build"
    env = {**os.environ, "PYTHONPATH": str(package.parent), "NO_MKDOCS_2_WARNING": "1"}
    # Strict, as every build is: a page missing from the nav or a broken link fails it.
    command = ["build", "--content", str(content), "--out", str(out), "--config", str(MKDOCS)]
    run = subprocess.run(
        [sys.executable, "-m", "painguide.cli", *command],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    site = out / "current" / "site"
    index = (site / "settings" / "index.html").read_text(encoding="utf-8")
    assert "Care settings" in index and 'href="primary-care.html"' in index
    assert (site / "settings" / "primary-care.html").is_file()
    assert (site / "patients" / "primary-care.html").is_file()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="settings/index.html"' in home  # the nav (on every page) has the kind's section
    assert "Where you get care" in (site / "patients" / "index.html").read_text(encoding="utf-8")
    catalog = json.loads((out / "current" / "catalog.json").read_text(encoding="utf-8"))
    assert [e["type"] for e in catalog["entries"] if e["id"] == "primary-care"] == ["setting"]
