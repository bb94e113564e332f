"""`make readability`: three reading measures for every patient layer, hardest first; exit 1 past a gate."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from painguide.content.readability import MAX_GRADE, MAX_MEDIAN_GRADE, measure, median_grade
from painguide.content.validate import load


def main(content: Path = Path("guidelines")) -> int:
    catalog = load(content)
    readings = sorted(
        (measure(e.id, e.patient) for e in catalog.entries.values() if e.patient is not None),
        key=lambda r: -r.grade,
    )
    print(f"{'entry':<52} {'FK':>5} {'SMOG':>5} {'D-C':>5} {'words':>6}")
    print("-" * 78)
    for r in readings:
        flag = "  <- " + "; ".join(p.split(";")[0] for p in r.problems()) if r.problems() else ""
        print(f"{r.id:<52} {r.grade:>5.1f} {r.smog:>5.1f} {r.dale_chall:>5.1f} {r.words:>6}{flag}")
    print("-" * 78)
    median = median_grade(readings)
    smog = round(statistics.median(r.smog for r in readings), 1)
    dale = round(statistics.median(r.dale_chall for r in readings), 1)
    print(
        f"{len(readings)} patient layers. Medians: Flesch-Kincaid {median} (gate {MAX_MEDIAN_GRADE}), "
        f"SMOG {smog}, Dale-Chall {dale}.\nHardest: {readings[0].id} at FK {readings[0].grade} "
        f"(gate {MAX_GRADE} for every layer)."
    )
    ok = median <= MAX_MEDIAN_GRADE and not any(r.problems() for r in readings)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("guidelines")))
