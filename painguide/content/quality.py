"""Editorial rules that `painguide validate --strict` adds to the schema: person-first language, reading level
of patient layers, and knowledge checks that discriminate. Each finding is a located ``Problem``.

They are "strict" rather than always-on because they judge writing, not structure: an author drafting an entry
can validate it before the prose is polished; CI (`make test`) runs the strict mode.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

import yaml
from pydantic import BaseModel

from painguide.content import language, readability
from painguide.content.catalog import GLOSSARY_FILE, MODULES_DIR, Catalog
from painguide.content.kinds import LETTERS
from painguide.content.problems import Problem, display_path, field_path
from painguide.content.schema import EntryModel, Module
from painguide.content.source import line_of

# No answer position may hold more than this share of the keys (4 choices: 25% is even). Over 77 questions a
# learner who always picked A scored 87% before the rebalance; 35% caps that "strategy" near chance.
MAX_POSITION_SHARE = 0.35
# The keyed answer is often the longest, most qualified choice; past this share length alone is a cue.
MAX_LONGEST_SHARE = 0.40
# Below this many questions, shares are noise (a 5-question fixture cannot be "balanced").
MIN_QUESTIONS_FOR_SHARES = 20

Locate = Callable[[str, list[str | int]], tuple[str, int | None]]


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def language_problems(
    doc_id: str, document: BaseModel, locate: Locate, prefix: tuple[str | int, ...] = ()
) -> list[Problem]:
    out = []
    for finding in language.findings(document):
        loc = [*prefix, *finding.loc]
        shown, line = locate(doc_id, loc)
        out.append(
            Problem(
                shown,
                line,
                field_path(loc),
                f"'{finding.term}' is stigmatizing; use person-first language (e.g. 'person with a substance "
                "use disorder', 'unexpected test result'), or quote it in a 'words to avoid' line",
            )
        )
    return out


def readability_problems(entries: Iterable[EntryModel], locate: Locate, root_shown: str) -> list[Problem]:
    out = []
    readings = []
    for entry in entries:
        if entry.patient is None:
            continue
        reading = readability.measure(entry.id, entry.patient)
        readings.append(reading)
        for message in reading.problems():
            shown, line = locate(entry.id, ["patient"])
            out.append(Problem(shown, line, "patient", f"the patient layer {message}"))
    median = readability.median_grade(readings)
    if len(readings) >= 2 and median > readability.MAX_MEDIAN_GRADE:
        out.append(
            Problem(
                root_shown,
                None,
                None,
                f"the median patient layer reads at grade {median} (limit {readability.MAX_MEDIAN_GRADE})",
            )
        )
    return out


def question_problems(modules: Iterable[Module], locate: Locate, modules_shown: str) -> list[Problem]:
    """Prompts unique across the curriculum; keys spread over positions; no length cue."""
    out = []
    first_seen: dict[str, str] = {}
    positions: Counter[int] = Counter()
    longest = total = 0
    for module in modules:
        for i, q in enumerate(module.questions):
            key = _norm(q.prompt)
            if key in first_seen:
                shown, line = locate(module.id, ["questions", i, "prompt"])
                out.append(
                    Problem(
                        shown,
                        line,
                        f"questions[{i}].prompt",
                        f"the same prompt is already asked in module '{first_seen[key]}'; ask something new",
                    )
                )
            else:
                first_seen[key] = module.id
            index = q.choices.index(q.answer)
            positions[index] += 1
            total += 1
            others = [len(c) for j, c in enumerate(q.choices) if j != index]
            longest += len(q.answer) > max(others)
    if total >= MIN_QUESTIONS_FOR_SHARES:
        position, count = max(positions.items(), key=lambda kv: kv[1])
        if count / total > MAX_POSITION_SHARE:
            spread = ", ".join(f"{LETTERS[p]} {positions[p]}" for p in sorted(positions))
            out.append(
                Problem(
                    modules_shown,
                    None,
                    "questions",
                    f"{count} of {total} keyed answers are choice {LETTERS[position]} (limit "
                    f"{MAX_POSITION_SHARE:.0%}; now {spread}): reorder choices so every position is keyed about "
                    "equally often",
                )
            )
        if longest / total > MAX_LONGEST_SHARE:
            out.append(
                Problem(
                    modules_shown,
                    None,
                    "questions",
                    f"the keyed answer is the longest choice in {longest} of {total} questions (limit "
                    f"{MAX_LONGEST_SHARE:.0%}): make distractors as specific as the key",
                )
            )
    return out


def problems(catalog: Catalog, nodes: dict[str, tuple[yaml.Node, str]]) -> list[Problem]:
    """Every strict-mode finding for a catalog that passed (or mostly passed) the schema."""

    def locate(doc_id: str, loc: list[str | int]) -> tuple[str, int | None]:
        node, shown = nodes[doc_id]
        return shown, line_of(node, loc)

    out = []
    for doc_id, doc in [*catalog.entries.items(), *catalog.modules.items()]:
        out += language_problems(doc_id, doc, locate)
    if GLOSSARY_FILE in nodes:
        for i, term in enumerate(catalog.glossary):
            out += language_problems(GLOSSARY_FILE, term, locate, ("terms", i))
    out += readability_problems(catalog.entries.values(), locate, display_path(catalog.root))
    modules = sorted(catalog.modules.values(), key=lambda m: m.id)
    out += question_problems(modules, locate, display_path(catalog.root / MODULES_DIR))
    return out
