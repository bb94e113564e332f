"""Reading level of patient layers, measured the same way by tests, `make readability` and authors."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from painguide.schema import PatientLayer

MAX_GRADE = 10.0  # no single patient layer may read harder than this
MAX_MEDIAN_GRADE = 8.0
MIN_WORDS = 150

_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MARKUP = re.compile(r"[*_`#>|]+")
_BULLET = re.compile(r"^\s*(?:[-+*]|\d+\.)\s+", re.MULTILINE)


def plain_text(layer: PatientLayer) -> str:
    """The layer as prose: Markdown removed, every item ending as a sentence (as a reader hears it)."""
    pieces: list[str] = []
    for value in layer.model_dump(exclude_none=True).values():
        items = value if isinstance(value, list) else [value]
        for item in items:
            for line in _BULLET.sub("", _LINK.sub(r"\1", item)).splitlines():
                line = _MARKUP.sub("", line).strip()
                if line:
                    pieces.append(line if line[-1] in ".!?:" else line + ".")
    return "\n".join(pieces)


@dataclass(frozen=True)
class Reading:
    id: str
    words: int
    grade: float


def measure(entry_id: str, layer: PatientLayer) -> Reading:
    import textstat  # imported late: only readability checks need it

    text = plain_text(layer)
    return Reading(entry_id, len(text.split()), round(float(textstat.flesch_kincaid_grade(text)), 1))


def median_grade(readings: list[Reading]) -> float:
    return round(statistics.median(r.grade for r in readings), 1) if readings else 0.0
