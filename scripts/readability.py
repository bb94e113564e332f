"""`make readability`: the reading grade of every patient layer, hardest first."""

from __future__ import annotations

import sys
from pathlib import Path

from painguide.catalog import load
from painguide.readability import MAX_GRADE, MAX_MEDIAN_GRADE, MIN_WORDS, measure, median_grade


def main(content: Path = Path("guidelines")) -> int:
    catalog = load(content)
    readings = sorted(
        (measure(e.id, e.patient) for e in catalog.entries.values() if e.patient is not None),
        key=lambda r: -r.grade,
    )
    print(f"{'entry':<52} {'grade':>6} {'words':>6}")
    print("-" * 66)
    for r in readings:
        flag = "  <- too hard" if r.grade > MAX_GRADE else ("  <- too short" if r.words < MIN_WORDS else "")
        print(f"{r.id:<52} {r.grade:>6.1f} {r.words:>6}{flag}")
    print("-" * 66)
    median = median_grade(readings)
    print(
        f"{len(readings)} patient layers; median grade {median} (limit {MAX_MEDIAN_GRADE}); "
        f"hardest {readings[0].id} at {readings[0].grade} (limit {MAX_GRADE})"
    )
    ok = median <= MAX_MEDIAN_GRADE and all(r.grade <= MAX_GRADE and r.words >= MIN_WORDS for r in readings)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("guidelines")))
