"""Content written to hurt: every case is a located problem within seconds, never a hang, crash or leak."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from painguide.content.source import MAX_DEPTH, MAX_FILE_BYTES
from painguide.content.validate import validate
from tests.helpers import copy_content

TOPIC = "topics/therapeutic-alliance.yaml"


def _append(rel: str, text: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        path = root / rel
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    return mutate


def _alias_bomb(levels: int) -> str:
    lines = ['lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    return "\n" + "\n".join(lines) + "\n"


def _write(rel: str, text: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).write_text(text, encoding="utf-8")


def _symlink(rel: str, target: str) -> Callable[[Path], None]:
    return lambda root: os.symlink(target, root / rel)


def _outside_entry(root: Path) -> None:
    # a valid entry, but outside the content tree: must not be published
    outside = root.parent / "outside.yaml"
    outside.write_text((root / TOPIC).read_text(encoding="utf-8").replace("therapeutic-alliance", "outside"))
    os.symlink(outside, root / "topics" / "outside.yaml")


CASES = [
    ("alias-bomb", _append(TOPIC, _alias_bomb(9)), f"{TOPIC}:79: YAML syntax error: anchors and aliases"),
    ("one-anchor", _append(TOPIC, "x: &big [a]\ny: *big\n"), f"{TOPIC}:78: YAML syntax error: anchors and aliases"),
    (
        "deep-nesting",
        _write("topics/deep.yaml", "id: deep\ntags: " + "[" * 700 + "x" + "]" * 700 + "\n"),
        f"topics/deep.yaml:2: YAML syntax error: nested more than {MAX_DEPTH} levels deep",
    ),
    (
        "merge-key",
        _append(TOPIC, "<<: {title: Sneaky}\n"),
        f"{TOPIC}:78: <<: merge keys (<<) are not allowed",
    ),
    (
        "too-big",
        _write("topics/big.yaml", "id: big\nsummary: '" + "word " * (MAX_FILE_BYTES // 5) + "'\n"),
        "topics/big.yaml: is ",
    ),
    ("dev-zero", _symlink("topics/zero.yaml", "/dev/zero"), "topics/zero.yaml: is a link to a file outside"),
    ("outside-tree", _outside_entry, "topics/outside.yaml: is a link to a file outside"),
    ("fifo", lambda root: os.mkfifo(root / "topics" / "fifo.yaml"), "topics/fifo.yaml: cannot read file: it is not"),
    ("directory", lambda root: (root / "topics" / "x.yaml").mkdir(), "topics/x.yaml: cannot read file: it is a dir"),
]


@pytest.mark.parametrize(("kind", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_hostile_file_is_a_located_problem_quickly(tmp_path, kind, mutate, expected):
    root = copy_content(tmp_path)
    mutate(root)
    started = time.monotonic()
    catalog, problems = validate(root)
    elapsed = time.monotonic() - started
    messages = [str(p).replace(str(root) + "/", "") for p in problems]
    assert any(m.startswith(expected) for m in messages), "\n".join(messages)
    # generous: a normal validate of this tree takes ~0.2 s; the alias bomb used to take minutes
    assert elapsed < 20, f"{kind} took {elapsed:.1f} s"
    assert "outside" not in catalog.entries


def test_the_old_regex_denial_of_service_is_linear(tmp_path):
    # 60,000 '<' in one field: 35 s with the old event-handler regex
    root = copy_content(tmp_path)
    path = root / TOPIC
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("clinician:\n", "clinician:\n  benefits: '" + "<" * 60_000 + "'\n", 1))
    started = time.monotonic()
    _, problems = validate(root)
    assert time.monotonic() - started < 20
    assert problems  # whatever else, the field is not silently accepted
