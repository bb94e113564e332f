"""Validate a content tree: every file alone (schema) and against the others (references, cycles, duplicates),
plus, in strict mode, the editorial rules. Never raises for bad content and never prints."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from painguide.content import calculators, links, markup, walk
from painguide.content.catalog import CODES_FILE, GLOSSARY_FILE, MODULES_DIR, SOURCES_FILE, Catalog
from painguide.content.messages import schema_problems
from painguide.content.problems import ContentError, Problem, display_path, field_path
from painguide.content.schema import DOCUMENT, CodeRegistry, ConditionEntry, Glossary, SourceList
from painguide.content.source import Parsed, line_of, parse


def _validate(model: Any, parsed: Parsed, shown: str) -> tuple[Any, list[Problem]]:
    try:
        if isinstance(model, type) and issubclass(model, BaseModel):
            return model.model_validate(parsed.data), []
        return model.validate_python(parsed.data), []
    except ValidationError as exc:
        return None, schema_problems(exc, parsed.node, shown)


def content_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.suffix in {".yaml", ".yml"} and path.name not in {SOURCES_FILE, GLOSSARY_FILE, CODES_FILE}:
            yield path


def validate(root: Path, strict: bool = False) -> tuple[Catalog, list[Problem]]:
    """Load every file under ``root`` and check it alone and against the others. Never raises.

    ``strict`` adds the editorial rules (painguide.content.quality): language, reading level, knowledge checks.
    """
    catalog = Catalog(root=root)
    problems: list[Problem] = []
    nodes: dict[str, tuple[yaml.Node, str]] = {}
    if not root.is_dir():
        return catalog, [Problem(display_path(root), None, None, "content directory not found")]

    for name, model in ((SOURCES_FILE, SourceList), (GLOSSARY_FILE, Glossary), (CODES_FILE, CodeRegistry)):
        shown = display_path(root / name)
        if name == CODES_FILE and not (root / name).exists() and not (root / name).is_symlink():
            continue  # optional: needed only once an entry carries an RxNorm, SNOMED CT or LOINC code
        parsed = (
            parse(root / name, shown, root)
            if (root / name).exists() or (root / name).is_symlink()
            else Problem(shown, None, None, "file is missing")
        )
        if isinstance(parsed, Problem):
            problems.append(parsed)
            catalog.broken.add(name)  # reported once: not again as every code or source it lacks
            continue
        value, found = _validate(model, parsed, shown)
        problems += found
        if value is None:
            catalog.broken.add(name)
        if name == GLOSSARY_FILE and (budget := markup.page_problem(walk.texts(parsed.data))):
            problems.append(Problem(shown, None, None, budget))  # one page: glossary.html
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
        elif isinstance(value, CodeRegistry):
            for i, record in enumerate(value.codes):
                key = (record.system, record.code)
                if key in catalog.codes:
                    line = line_of(parsed.node, ["codes", i, "code"])
                    problems.append(Problem(shown, line, "code", f"{record.system} {record.code} is listed twice"))
                catalog.codes[key] = record

    for path in content_files(root):
        shown = display_path(path)
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
        if budget := markup.page_problem(walk.texts(parsed.data)):
            problems.append(Problem(shown, id_line, None, budget))
            catalog.broken.add(doc.id)  # reported once: not again as every reference to it
            continue
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
    problems += calculators.problems(catalog, nodes)  # worked examples recomputed by the reference code
    if strict:
        from painguide.content import quality  # textstat is only needed here

        problems += quality.problems(catalog, nodes)
    return catalog, sorted(set(problems))


def _cross_references(catalog: Catalog, nodes: dict[str, tuple[yaml.Node, str]]) -> list[Problem]:
    problems: list[Problem] = []

    def unresolved(doc_id: str, loc: list[str | int], message: str, target: str = "") -> None:
        if target in catalog.broken:
            return
        node, shown = nodes[doc_id]
        problems.append(Problem(shown, line_of(node, loc), field_path(loc), message))

    for doc_id, doc in [*catalog.entries.items(), *catalog.modules.items()]:
        for i, ref in enumerate(doc.sources):
            if catalog.sources and ref.id not in catalog.sources:  # a broken sources.yaml is reported once
                unresolved(doc_id, ["sources", i], f"'{ref.id}' is not a source in {SOURCES_FILE}")
        for i, rel in enumerate(getattr(doc, "related", [])):
            if rel not in catalog.entries:
                unresolved(doc_id, ["related", i], f"'{rel}' is not an entry id", rel)
        for i, code in enumerate(getattr(doc, "codes", [])):
            if code.system == "icd10cm" or CODES_FILE in catalog.broken:  # offline by the schema / reported
                continue
            record = catalog.codes.get((code.system, code.code))
            if record is None:
                unresolved(
                    doc_id,
                    ["codes", i, "code"],
                    f"{code.system} {code.code} has no recorded provenance: add it to {CODES_FILE} with the "
                    "public source it was confirmed in",
                )
            elif record.display.casefold() != code.display.casefold():
                unresolved(
                    doc_id,
                    ["codes", i, "display"],
                    f"'{code.display}' differs from the display recorded in {CODES_FILE}: '{record.display}'",
                )
        if isinstance(doc, ConditionEntry):
            for i, option in enumerate(doc.clinician.first_line):
                target = catalog.entries.get(option.entry)
                loc: list[str | int] = ["clinician", "first_line", i, "entry"]
                if target is None:
                    unresolved(doc_id, loc, f"'{option.entry}' is not an entry id", option.entry)
                elif target.type not in ("treatment", "component"):
                    unresolved(doc_id, loc, f"'{option.entry}' is a {target.type}, not a treatment or component")
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
    for doc_id, loc, message in links.problems(catalog):  # dead relative links, from every page showing the text
        unresolved(doc_id, loc, message)
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
