"""Load and validate the content tree; every problem is reported as ``file:line: field: message``."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
import yaml.composer
from pydantic import BaseModel, ValidationError

from painguide.schema import (
    DOCUMENT,
    ENTRY_TYPES,
    Glossary,
    Module,
    SourceList,
    Term,
)
from painguide.schema import Source as SourceModel

SOURCES_FILE = "sources.yaml"
GLOSSARY_FILE = "glossary.yaml"
MODULES_DIR = "modules"

Entry = Any  # one of the entry models in painguide.schema (a discriminated union)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, located as precisely as the YAML allows."""

    path: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ContentError(Exception):
    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} content problem(s):\n" + "\n".join(map(str, self.problems)))


@dataclass
class Catalog:
    root: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    modules: dict[str, Module] = field(default_factory=dict)
    sources: dict[str, SourceModel] = field(default_factory=dict)
    glossary: list[Term] = field(default_factory=list)
    paths: dict[str, Path] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)  # ids of files that failed their own checks

    def by_type(self, entry_type: str) -> list[Entry]:
        return sorted((e for e in self.entries.values() if e.type == entry_type), key=_order)

    def treatments_of(self, component: str) -> list[Entry]:
        return [e for e in self.by_type("treatment") if e.component == component]


def _order(entry: Entry) -> tuple[int, str]:
    # Team questions have a fixed set-up order; everything else reads best alphabetically.
    team = getattr(entry, "team", None)
    return (team.order if team else 0, entry.title.lower())


# --- YAML ------------------------------------------------------------------------------------


MAX_FILE_BYTES = 512 * 1024  # the largest content file today is about 20 KB
MAX_DEPTH = 24  # nesting levels; real files use at most 5, and ~600 used to crash with a RecursionError


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text (so the schema reports a bad date with its field), refuses anchors
    and aliases (content is plain data; a 4.7 KB alias bomb once took minutes to expand, and one 51 KB anchor
    referenced 999 times built 212 MB), and caps nesting depth."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        event = self.peek_event()
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
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
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
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Problem(shown, None, None, "file is empty")
        if duplicate := _first_duplicate_key(node):
            message = "merge keys (<<) are not allowed" if duplicate.value == "<<" else "key appears twice"
            return Problem(shown, duplicate.start_mark.line + 1, duplicate.value, message)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        detail = str(exc.problem or exc.context or "invalid YAML")
        if "constructor for the tag" in detail:
            tag = detail.split("tag", 1)[1].strip(" '").removeprefix("tag:yaml.org,2002:")
            detail = f"YAML tag '!!{tag}' is not allowed: content files are plain data, never code"
        return Problem(shown, line, None, f"YAML syntax error: {detail}")
    except yaml.YAMLError as exc:
        return Problem(shown, None, None, f"YAML error: {exc}")
    except (RecursionError, MemoryError) as exc:  # belt and braces: the depth cap should prevent these
        return Problem(shown, None, None, f"cannot parse file: {type(exc).__name__}")
    finally:
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


# --- schema errors ---------------------------------------------------------------------------

_TAGS = set(ENTRY_TYPES) | {"module"}


def _field_path(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(error: Any) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    if len(shown) > 60:
        shown = shown[:57] + "...'"
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; guidelines/schema.json lists the allowed fields)"
    if kind == "literal_error":
        return f"{shown} is not one of {ctx.get('expected', '').replace(chr(39), '')}"
    if kind == "union_tag_invalid":
        return f"{ctx.get('tag')!r} is not one of {', '.join(sorted(_TAGS))}"
    if kind == "union_tag_not_found":
        return f"required field is missing (one of {', '.join(sorted(_TAGS))})"
    if kind.startswith("date"):
        return f"{shown} is not a valid date (write YYYY-MM-DD)"
    if kind == "string_pattern_mismatch" and "a-z0-9" in str(ctx.get("pattern", "")):
        return f"{shown} is not a slug (lowercase letters, digits and single hyphens)"
    message = str(error["msg"]).removeprefix("Value error, ")
    return message if kind == "value_error" else f"{message} (got {shown})"


def schema_problems(exc: ValidationError, node: yaml.Node, shown: str) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = list(error["loc"])
        if loc and loc[0] in _TAGS:  # the discriminated union's tag is not a real field
            loc = loc[1:]
        if error["type"].startswith("union_tag"):
            loc = ["type"]
        problems.append(Problem(shown, line_of(node, loc), _field_path(loc) or None, _message(error)))
    return problems


def _validate(model: Any, parsed: Parsed, shown: str) -> tuple[Any, list[Problem]]:
    try:
        if isinstance(model, type) and issubclass(model, BaseModel):
            return model.model_validate(parsed.data), []
        return model.validate_python(parsed.data), []
    except ValidationError as exc:
        return None, schema_problems(exc, parsed.node, shown)


# --- the tree --------------------------------------------------------------------------------


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def content_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.suffix in {".yaml", ".yml"} and path.name not in {SOURCES_FILE, GLOSSARY_FILE}:
            yield path


def validate(root: Path, strict: bool = False) -> tuple[Catalog, list[Problem]]:
    """Load every file under ``root`` and check it alone and against the others. Never raises.

    ``strict`` adds the editorial rules (painguide.quality): language, reading level, knowledge checks.
    """
    catalog = Catalog(root=root)
    problems: list[Problem] = []
    nodes: dict[str, tuple[yaml.Node, str]] = {}
    if not root.is_dir():
        return catalog, [Problem(_shown(root), None, None, "content directory not found")]

    for name, model in ((SOURCES_FILE, SourceList), (GLOSSARY_FILE, Glossary)):
        shown = _shown(root / name)
        parsed = (
            parse(root / name, shown, root)
            if (root / name).exists() or (root / name).is_symlink()
            else Problem(shown, None, None, "file is missing")
        )
        if isinstance(parsed, Problem):
            problems.append(parsed)
            continue
        value, found = _validate(model, parsed, shown)
        problems += found
        nodes[name] = (parsed.node, shown)
        if isinstance(value, SourceList):
            for i, source in enumerate(value.sources):
                if source.id in catalog.sources:
                    problems.append(
                        Problem(
                            shown,
                            line_of(parsed.node, ["sources", i, "id"]),
                            "id",
                            f"duplicate source id '{source.id}'",
                        )
                    )
                catalog.sources[source.id] = source
        elif isinstance(value, Glossary):
            catalog.glossary = list(value.terms)

    for path in content_files(root):
        shown = _shown(path)
        parsed = parse(path, shown, root)
        if isinstance(parsed, Problem):
            problems.append(parsed)
            catalog.broken.add(path.stem)
            continue
        doc, found = _validate(DOCUMENT, parsed, shown)
        problems += found
        if doc is None:
            # Already reported; do not also report every reference to it as unresolved.
            catalog.broken.add(str(parsed.data.get("id", path.stem)))
            continue
        id_line = line_of(parsed.node, ["id"])
        if doc.id != path.stem:
            problems.append(Problem(shown, id_line, "id", f"'{doc.id}' must equal the file name '{path.stem}'"))
            continue
        in_modules = path.parent.name == MODULES_DIR
        if (doc.type == "module") != in_modules:
            where = "in modules/" if doc.type == "module" else "outside modules/"
            problems.append(
                Problem(shown, line_of(parsed.node, ["type"]), "type", f"a {doc.type} file belongs {where}")
            )
            continue
        if doc.id in catalog.paths:
            other_node, other = nodes[doc.id]
            problems.append(
                Problem(
                    shown,
                    id_line,
                    "id",
                    f"duplicate id '{doc.id}' (also in {other}:{line_of(other_node, ['id'])})",
                )
            )
            continue
        catalog.paths[doc.id] = path
        nodes[doc.id] = (parsed.node, shown)
        (catalog.modules if doc.type == "module" else catalog.entries)[doc.id] = doc

    problems += _cross_references(catalog, nodes)
    if strict:
        from painguide import quality  # textstat is only needed here

        problems += quality.problems(catalog, nodes)
    return catalog, sorted(set(problems))


def _cross_references(catalog: Catalog, nodes: dict[str, tuple[yaml.Node, str]]) -> list[Problem]:
    problems: list[Problem] = []

    def unresolved(doc_id: str, loc: list[str | int], message: str, target: str = "") -> None:
        if target in catalog.broken:
            return
        node, shown = nodes[doc_id]
        problems.append(Problem(shown, line_of(node, loc), _field_path(loc), message))

    for doc_id, doc in [*catalog.entries.items(), *catalog.modules.items()]:
        for i, ref in enumerate(doc.sources):
            if catalog.sources and ref.id not in catalog.sources:  # a broken sources.yaml is reported once
                unresolved(doc_id, ["sources", i], f"'{ref.id}' is not a source in {SOURCES_FILE}")
        for i, rel in enumerate(getattr(doc, "related", [])):
            if rel not in catalog.entries:
                unresolved(doc_id, ["related", i], f"'{rel}' is not an entry id", rel)
    for doc_id, module in catalog.modules.items():
        lesson_ids = {lesson.entry for lesson in module.lessons}
        for i, lesson in enumerate(module.lessons):
            if lesson.entry not in catalog.entries:
                unresolved(doc_id, ["lessons", i, "entry"], f"'{lesson.entry}' is not an entry id", lesson.entry)
        for i, question in enumerate(module.questions):
            if question.entry not in lesson_ids:
                unresolved(
                    doc_id,
                    ["questions", i, "entry"],
                    f"'{question.entry}' is not one of this module's lessons",
                )
        for i, pre in enumerate(module.prerequisites):
            if pre not in catalog.modules:
                unresolved(doc_id, ["prerequisites", i], f"'{pre}' is not a module id", pre)
    for cycle in _cycles({m.id: m.prerequisites for m in catalog.modules.values()}):
        unresolved(cycle[0], ["prerequisites"], "prerequisite cycle: " + " -> ".join([*cycle, cycle[0]]))
    if GLOSSARY_FILE in nodes:
        seen: set[str] = set()
        for i, term in enumerate(catalog.glossary):
            if term.term.lower() in seen:
                unresolved(GLOSSARY_FILE, ["terms", i, "term"], f"duplicate term '{term.term}'")
            seen.add(term.term.lower())
            if term.entry and term.entry not in catalog.entries:
                unresolved(GLOSSARY_FILE, ["terms", i, "entry"], f"'{term.entry}' is not an entry id", term.entry)
    return problems


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Each prerequisite cycle once, starting from its smallest id."""
    found: set[tuple[str, ...]] = set()

    def visit(node: str, path: list[str]) -> None:
        for nxt in graph.get(node, []):
            if nxt in path:
                cycle = path[path.index(nxt) :]
                start = cycle.index(min(cycle))
                found.add(tuple(cycle[start:] + cycle[:start]))
            elif nxt in graph and len(path) < len(graph):
                visit(nxt, [*path, nxt])

    for start in graph:
        visit(start, [start])
    return [list(c) for c in sorted(found)]


def load(root: Path) -> Catalog:
    """The validated catalog, or ContentError listing every problem."""
    catalog, problems = validate(root)
    if problems:
        raise ContentError(problems)
    return catalog


def check_files(names: Sequence[str]) -> int:
    """Schema-check single files (no cross-file checks): authors' quick feedback while writing."""
    status = 0
    for name in names:
        path = Path(name)
        parsed = parse(path, name)
        if isinstance(parsed, Problem):
            print(parsed)
            status = 1
            continue
        model = {SOURCES_FILE: SourceList, GLOSSARY_FILE: Glossary}.get(path.name, DOCUMENT)
        _, found = _validate(model, parsed, name)
        for problem in sorted(found):
            print(problem)
        if not found:
            print(f"{name}: OK")
        status |= bool(found)
    return status
