"""scripts/backlinks.py: related links made two-way in the YAML text, only where asked, idempotently."""

from __future__ import annotations

from pathlib import Path

from painguide.content.validate import load
from scripts import backlinks
from tests.helpers import copy_content


def test_back_links_are_added_once_and_the_tree_stays_valid(tmp_path: Path, capsys) -> None:
    root = copy_content(tmp_path)
    before = load(root)
    assert "osteoarthritis-pain" not in before.entries["acetaminophen"].related
    backlinks.main(root, {"osteoarthritis-pain"})
    after = load(root)  # still valid
    # from `related`, and from a condition's first-line options
    assert "osteoarthritis-pain" in after.entries["acetaminophen"].related
    assert "osteoarthritis-pain" in after.entries["cognitive-behavioral-therapy"].related
    # only links from or to the ids asked for
    assert after.entries["opioids"].related == before.entries["opioids"].related
    texts = {p: p.read_text() for p in root.rglob("*.yaml")}
    capsys.readouterr()
    backlinks.main(root, {"osteoarthritis-pain"})
    assert {p: p.read_text() for p in root.rglob("*.yaml")} == texts  # idempotent
    assert capsys.readouterr().out == ""
