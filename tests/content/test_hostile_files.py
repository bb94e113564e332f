"""Hostile bytes, names and links: each is exactly one located problem, quickly, and every other problem of the
tree is still reported (one bad file loses nothing else); the CLI never prints a raw control character."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from painguide import cli, publish
from painguide.content.fields import Markdown, Text
from painguide.content.validate import validate
from tests.helpers import MKDOCS, copy_content

TOPIC = "topics/therapeutic-alliance.yaml"
OTHER = "treatments/opioids.yaml"  # gets an unrelated, known problem: it must still be reported


def _shown(problems: list[object], root: Path) -> list[str]:
    return [str(p).replace(str(root) + "/", "") for p in problems]


def _raw(rel: str, data: bytes) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        with (root / rel).open("ab") as handle:
            handle.write(data)

    return mutate


def _replace(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


def _set_block(rel: str, key: str, line: str) -> Callable[[Path], None]:
    """Replace the block scalar under ``key`` (its line and the more-indented lines after it) with ``line``."""

    def mutate(root: Path) -> None:
        path = root / rel
        lines = path.read_text(encoding="utf-8").split("\n")
        start = next(i for i, x in enumerate(lines) if x.strip().startswith(key))
        indent = len(lines[start]) - len(lines[start].lstrip())
        end = start + 1
        while end < len(lines) and (len(lines[end]) - len(lines[end].lstrip()) > indent or not lines[end].strip()):
            end += 1
        lines[start:end] = [" " * indent + line]
        path.write_text("\n".join(lines), encoding="utf-8")

    return mutate


def _loop(root: Path) -> None:
    os.symlink("b.yaml", root / "topics" / "a.yaml")
    os.symlink("a.yaml", root / "topics" / "b.yaml")


TITLE = "title: Therapeutic alliance"
CASES: list[tuple[str, Callable[[Path], None], list[str]]] = [
    # raw bytes PyYAML's reader refuses (a traceback or an unlocated "build failed: ReaderError" before)
    ("nul-in-comment", _raw(TOPIC, b"# \0\n"), [f"{TOPIC}:78: contains the control character U+0000"]),
    ("c1-raw", _raw(TOPIC, "x: \x92\n".encode()), [f"{TOPIC}:78: contains the control character U+0092"]),
    ("nel-raw", _raw(TOPIC, "# \x85\n".encode()), [f"{TOPIC}:78: contains the control character U+0085"]),
    ("fffe-raw", _raw(TOPIC, "# \ufffe\n".encode()), [f"{TOPIC}:78: contains the Unicode non-character U+FFFE"]),
    ("bom-inside", _raw(TOPIC, "# a\ufeffb\n".encode()), [f"{TOPIC}:78: contains a byte-order mark U+FEFF"]),
    ("lsep-raw", _raw(TOPIC, "# \u2028\n".encode()), [f"{TOPIC}:78: contains the line separator U+2028"]),
    # YAML escapes: past the reader, refused in whatever string holds them (plain text, Markdown, any field)
    *(
        (
            f"escape-{name}",
            _replace(TOPIC, TITLE, f'title: "Therapeutic alliance {escape}"'),
            [f"{TOPIC}:4: title: contains {what}"],
        )
        for name, escape, what in [
            ("fffe", "\\uFFFE", "the Unicode non-character U+FFFE"),
            ("ffff", "\\uFFFF", "the Unicode non-character U+FFFF"),
            ("fdd0", "\\uFDD0", "the Unicode non-character U+FDD0"),
            ("plane-16", "\\U0010FFFF", "the Unicode non-character U+10FFFF"),
            ("surrogate", "\\uD800", "a lone surrogate U+D800"),
            ("nul", "\\0", "the control character U+0000"),
            ("esc", "\\e", "the control character U+001B"),
            ("nel", "\\N", "the control character U+0085"),
            ("c1", "\\x9f", "the control character U+009F"),
            ("del", "\\x7f", "the control character U+007F"),
        ]
    ),
    (
        "markdown-field",
        _set_block(TOPIC, "what_it_is:", 'what_it_is: "A bond \\U0001FFFE between you and your care team."'),
        [f"{TOPIC}:38: patient.what_it_is: contains the Unicode non-character U+1FFFE"],
    ),
    (
        "codes-display",
        _replace("codes.yaml", "display: acetaminophen", 'display: "acetaminophen\\uFFFF"'),
        ["codes.yaml:5: codes[0].display: contains the Unicode non-character U+FFFF"],
    ),
    (
        "yaml-key",
        _raw(TOPIC, b'"k\\e[31m": 1\n'),
        [f"{TOPIC}:78: k\\x1b[31m: contains the control character U+001B"],
    ),
    # symlink loops (RuntimeError from resolve() before)
    ("symlink-loop", _loop, ["topics/a.yaml: cannot read file: it is a symbolic link", "topics/b.yaml: cannot"]),
    (
        "symlink-self",
        lambda root: os.symlink("self.yaml", root / "topics" / "self.yaml"),
        ["topics/self.yaml: cannot read file: it is a symbolic link that loops"],
    ),
]


@pytest.mark.parametrize(("kind", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_hostile_input_is_exactly_its_located_problems(tmp_path, kind, mutate, expected):
    root = copy_content(tmp_path)
    _replace(OTHER, "\nid: opioids\n", "\nid: opioids\nnot_a_field: 1\n")(root)
    mutate(root)
    started = time.monotonic()
    _, problems = validate(root)
    elapsed = time.monotonic() - started
    shown = _shown(problems, root)
    assert len(shown) == len(expected) + 1, "\n".join(shown)
    for want in expected:
        assert any(s.startswith(want) for s in shown), "\n".join(shown)
    assert any(s.startswith(f"{OTHER}:") and "not_a_field: unknown field" in s for s in shown), "\n".join(shown)
    assert elapsed < 20, f"{kind} took {elapsed:.1f} s"  # ~0.3 s on an idle machine


@pytest.mark.parametrize("value", ["x \ufffe y", "x \uffff y", "x \ud800 y", "x \x85 y", "x \U0003fffe y"])
def test_the_field_types_refuse_the_same_code_points(value):
    # models validated without the loader (the server reads built content back) keep the same rule
    for field in (Text, Markdown):
        with pytest.raises(
            ValidationError, match=r"which content may not contain|unable to parse raw data as a unicode"
        ):
            TypeAdapter(field).validate_python(value + " and more words to pass the minimum length")


HOSTILE_NAMES = ["x\n::error file=README.md,line=1::pwned by filename\n.yaml", "\x1b[31mred\x1b[0m\u202e.yaml"]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=["workflow-command", "ansi-and-bidi"])
def test_file_names_are_printed_escaped(tmp_path, capsys, name):
    root = copy_content(tmp_path)
    (root / "barriers" / name).write_bytes((root / "barriers" / "stigma.yaml").read_bytes())
    assert cli.main(["validate", str(root)]) == 1
    err = capsys.readouterr().err
    assert not any(c in err for c in "\x1b\u202e"), err
    assert "\n::error" not in err and "pwned by filename\n" not in err, err
    lines = [line for line in err.splitlines() if "barriers/" in line]
    assert len(lines) == 1 and "file name" in lines[0], err  # one line: the id differs from the name
    assert ("\\n::error" in lines[0]) or ("\\x1b[31mred\\x1b[0m\\u202e" in lines[0]), lines[0]


@pytest.mark.slow
def test_hostile_content_fails_the_build_with_the_same_messages_and_keeps_the_previous_one(tmp_path, capsys):
    root = copy_content(tmp_path)
    out = tmp_path / "build"
    release = publish.build(root, out, MKDOCS)  # the previous build (~10 s)
    before = sorted((p.relative_to(out), p.stat().st_mtime_ns) for p in out.rglob("*"))
    for mutate in (
        _raw(TOPIC, b"# \0\n"),
        _loop,
        _replace("codes.yaml", "display: acetaminophen", 'display: "acetaminophen\\uFFFF"'),
        _set_block("barriers/stigma.yaml", "what_it_is:", "what_it_is: See [this page](../treatments/nope.md) first."),
    ):
        mutate(root)
    _, problems = validate(root)
    expected = [str(p) for p in problems]
    assert len(expected) == 5, expected
    capsys.readouterr()
    assert cli.main(["build", "--content", str(root), "--out", str(out), "--config", str(MKDOCS)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[:-1] == expected, err
    assert "nothing was changed" in err.splitlines()[-1]
    assert publish.current(out) == release
    assert sorted((p.relative_to(out), p.stat().st_mtime_ns) for p in out.rglob("*")) == before
