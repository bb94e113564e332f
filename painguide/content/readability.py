"""Reading level of patient layers, measured the same way by tests, `make readability`, authors and
`painguide validate --strict`.

Three measures, because each has a blind spot: Flesch-Kincaid (sentence and word length) is the gate; SMOG
(polysyllables) and Dale-Chall (unfamiliar words) are reported beside it. textstat is pinned to 0.7.8: 0.7.4
under-counted syllables ("Acetaminophen can harm the liver if you take too much." scored grade 2.5, and 7.2
with 0.7.8's CMU dictionary); 0.7.9 and later download NLTK data at run time, which fails offline.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from painguide.content.schema import GuidancePatientLayer, PatientLayer

MAX_GRADE = 8.0  # no single patient layer may read harder than this (Flesch-Kincaid)
MAX_MEDIAN_GRADE = 6.5  # the corpus as a whole aims at grade 6
MIN_WORDS = 150

_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MARKUP = re.compile(r"[*_`#>|]+")
_BULLET = re.compile(r"^\s*(?:[-+*]|\d+\.)\s+", re.MULTILINE)


def plain_text(layer: PatientLayer | GuidancePatientLayer) -> str:
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
    grade: float  # Flesch-Kincaid grade: the gated measure
    smog: float
    dale_chall: float

    def problems(self) -> list[str]:
        """What is wrong with this layer's reading level, in words an author can act on."""
        out = []
        if self.grade > MAX_GRADE:
            out.append(
                f"reads at Flesch-Kincaid grade {self.grade} (limit {MAX_GRADE}); "
                "use shorter sentences and common words where a reader would stumble"
            )
        if self.words < MIN_WORDS:
            out.append(f"has {self.words} words; a patient explainer needs at least {MIN_WORDS}")
        return out


def measure(entry_id: str, layer: PatientLayer | GuidancePatientLayer) -> Reading:
    import textstat  # imported late: only readability checks need it

    text = plain_text(layer)
    return Reading(
        entry_id,
        len(text.split()),
        round(float(textstat.flesch_kincaid_grade(text)), 1),
        round(float(textstat.smog_index(text)), 1),
        round(float(textstat.dale_chall_readability_score(text)), 1),
    )


def median_grade(readings: list[Reading]) -> float:
    return round(statistics.median(r.grade for r in readings), 1) if readings else 0.0
