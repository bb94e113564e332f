"""Content files read safely: regular files inside the content root, bounded in size and nesting, plain YAML data
(no tags, anchors, aliases or merge keys), duplicate keys caught; every failure a located ``Problem``."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
import yaml.composer
import yaml.reader

from painguide.content.characters import FORBIDDEN, describe
from painguide.content.problems import Problem, field_path

MAX_FILE_BYTES = 512 * 1024  # the largest content file today is about 20 KB
MAX_DEPTH = 24  # nesting levels; real files use at most 5, and ~600 used to crash with a RecursionError


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text (so the schema reports a bad date with its field), refuses anchors
    and aliases (content is plain data; a 4.7 KB alias bomb once took minutes to expand, and one 51 KB anchor
    referenced 999 times built 212 MB), and caps nesting depth."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # PyYAML's stubs leave it untyped
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise yaml.composer.ComposerError(
                None,
                None,
                "anchors and aliases (&name, *name) are not allowed: content files are plain data; "
                "write the text out where it is needed",
                event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class Parsed:
    data: Any
    node: yaml.Node


def _read(path: Path, shown: str, root: Path | None) -> bytes | Problem:
    """The file's bytes, if it is a regular file inside ``root`` and no larger than MAX_FILE_BYTES.

    A symlink to /dev/zero once read until the machine ran out of memory, a FIFO blocked forever, and a symlink
    to a YAML file outside the tree was published; none of them is content.
    """
    try:
        if root is not None and not path.resolve().is_relative_to(root.resolve()):
            return Problem(shown, None, None, "is a link to a file outside the content directory; copy it in")
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file (device, FIFO or socket)"
            return Problem(shown, None, None, f"cannot read file: it is {kind}")
        if info.st_size > MAX_FILE_BYTES:
            return Problem(
                shown, None, None, f"is {info.st_size:,} bytes; a content file is at most {MAX_FILE_BYTES:,}"
            )
        # O_NONBLOCK: even if the file were swapped for a FIFO after the check, open() does not wait for a writer
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except RuntimeError:  # Python 3.11's resolve() on a symlink loop (a.yaml -> b.yaml -> a.yaml, or to itself)
        return Problem(shown, None, None, "cannot read file: it is a symbolic link that loops")
    except OSError as exc:
        return Problem(shown, None, None, f"cannot read file: {exc.strerror}")
    if len(raw) > MAX_FILE_BYTES:
        return Problem(shown, None, None, f"is larger than {MAX_FILE_BYTES:,} bytes")
    return raw


def parse(path: Path, shown: str, root: Path | None = None) -> Parsed | Problem:
    """Parse one YAML file safely: never constructs Python objects, never raises for bad content."""
    raw = _read(path, shown, root)
    if isinstance(raw, Problem):
        return raw
    if not raw.strip():
        return Problem(shown, None, None, "file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Problem(shown, line, None, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")
    # Refused code points written as such, even in a comment (PyYAML's reader refuses most of them with an
    # unlocated ReaderError, and counts NEL and U+2028 as line breaks an editor does not show); a leading BOM is
    # the one allowed U+FEFF. Lines are counted as an editor counts them.
    if m := FORBIDDEN.search(text, 1 if text.startswith("\ufeff") else 0):
        line = text.count("\n", 0, m.start()) + 1
        return Problem(shown, line, None, f"contains {describe(m.group())}; remove it (it is not text)")
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # the reader checks every character here: inside the try
        node = loader.get_single_node()
        if node is None:
            return Problem(shown, None, None, "file is empty")
        if duplicate := _first_duplicate_key(node):
            message = "merge keys (<<) are not allowed" if duplicate.value == "<<" else "key appears twice"
            return Problem(shown, duplicate.start_mark.line + 1, duplicate.value, message)
        # "\uFFFE", "\x00", "\x85"...: only a double-quoted scalar's escapes can make one past the scan above
        if "\\" in text and (found := _first_forbidden(node, [])):
            scalar, loc, char = found
            message = f"contains {describe(char)}, which content may not contain"
            return Problem(shown, scalar.start_mark.line + 1, field_path(loc) or None, message)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at: int | None = mark.line + 1 if mark else None
        detail = str(exc.problem or exc.context or "invalid YAML")
        if "constructor for the tag" in detail:
            tag = detail.split("tag", 1)[1].strip(" '").removeprefix("tag:yaml.org,2002:")
            detail = f"YAML tag '!!{tag}' is not allowed: content files are plain data, never code"
        return Problem(shown, at, None, f"YAML syntax error: {detail}")
    except yaml.reader.ReaderError as exc:  # belt and braces: the scan above refuses a superset
        line = text.count("\n", 0, exc.position) + 1
        return Problem(shown, line, None, f"contains U+{exc.character:04X}, which YAML does not allow")
    except yaml.YAMLError as exc:
        return Problem(shown, None, None, f"YAML error: {exc}")
    except (RecursionError, MemoryError) as exc:  # belt and braces: the depth cap should prevent these
        return Problem(shown, None, None, f"cannot parse file: {type(exc).__name__}")
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict):
        return Problem(shown, 1, None, f"expected a mapping of fields, found {type(data).__name__}")
    return Parsed(data, node)


def _first_duplicate_key(node: yaml.Node) -> yaml.Node | None:
    # PyYAML silently keeps the last of two equal keys; an author would lose text without noticing.
    # (Anchors and aliases are refused while composing, so this visits each node once: linear time.)
    if isinstance(node, yaml.MappingNode):
        seen: set[object] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen or key.value == "<<":  # a merge key would bypass this check
                    return key
                seen.add(key.value)
            if found := _first_duplicate_key(value):
                return found
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if found := _first_duplicate_key(item):
                return found
    return None


_Found = tuple[yaml.Node, list[str | int], str]


def _first_forbidden(node: yaml.Node, loc: list[str | int]) -> _Found | None:
    """The first scalar (key or value) holding a refused code point, with its field path and the code point:
    every string a file holds is checked here once, whatever field type reads it (codes' displays, sources,
    glossary, calculators)."""
    if isinstance(node, yaml.ScalarNode):
        m = FORBIDDEN.search(node.value)
        return (node, loc, m.group()) if m else None
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else "?"
            if found := _first_forbidden(key, [*loc, name]) or _first_forbidden(value, [*loc, name]):
                return found
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            if found := _first_forbidden(item, [*loc, i]):
                return found
    return None


def line_of(node: yaml.Node, loc: Iterable[str | int]) -> int:
    """1-based line of the deepest node along ``loc`` (the parent's line when a key is missing)."""
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == part), None)
            if child is None:  # point at the offending key itself when it exists (extra fields)
                child = next((k for k, _ in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
    return node.start_mark.line + 1
