"""Person-first language: stigmatizing terms are errors unless quoted in a "words to avoid" line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel

from painguide.content import walk

STIGMATIZING = re.compile(
    r"\b(?:addicts?|abusers?|substance abusers?|drug[- ]seek(?:ing|ers?)|junkies?|druggies?|"
    r"dirty (?:urine|tests?|screens?|drug tests?|tox(?:icology)?)|clean (?:urine|tests?|screens?|drug tests?)|"
    r"(?:drug|substance) abuse|abuse(?!-deterrent)|drug habit|narcotics? patients?|"
    # ACEP's sickle cell guidance names "sickler" as a derogatory label for people with sickle cell disease
    r"sicklers?|frequent flyers?)\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[\"“]([^\"”]*)[\"”]")


@dataclass(frozen=True)
class Finding:
    loc: tuple[str | int, ...]  # the field, as a path into the document (for `file:line: field:`)
    term: str
    line: str


def _allowed(line: str, start: int, end: int) -> bool:
    if "avoid" not in line.lower():
        return False
    return any(m.start() < start and end <= m.end() for m in _QUOTED.finditer(line))


def findings(document: BaseModel) -> list[Finding]:
    """Stigmatizing terms in any text of a pydantic document (entry, module, glossary term)."""
    out = []
    for where, text in walk.strings(document.model_dump(mode="json"), ()):
        for line in text.splitlines():
            for m in STIGMATIZING.finditer(line):
                if not _allowed(line, m.start(), m.end()):
                    out.append(Finding(where, m.group(0), line.strip()))
    return out
