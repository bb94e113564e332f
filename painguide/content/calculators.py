"""The reference implementation of the site's calculators, and the validator hook that checks every worked
example written in a ``calculator:`` block against it.

The browser code (docs/assets/javascripts/tools.js) does the same arithmetic in the same order on the same
exported block; the browser tests compare its ``data-result`` with these functions case by case. Input rules
are the same too: a value the page would refuse raises ``InputError`` here, with the message the page shows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import yaml

from painguide.content.catalog import Catalog
from painguide.content.instruments import (
    CalculatorModel,
    MmeCalculator,
    OrtOudCalculator,
    PegCalculator,
    Phq9Calculator,
)
from painguide.content.problems import Problem, field_path
from painguide.content.schema import DataElementEntry
from painguide.content.source import line_of


class InputError(ValueError):
    """An entry the calculator refuses, with the field it is about and the message shown beside it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


# What counts as a number, in Python and on the page alike: float() alone also takes "1_000", "inf" and "1e3".
_NUMBER = re.compile(r"^\s*-?(\d+\.?\d*|\.\d+)\s*$")


def round1(value: float) -> float:
    """One decimal, halves up: what JavaScript's Math.round(x * 10) / 10 gives (Python's round() is half-even,
    which differed from the page on 0.25-type totals)."""
    return math.floor(value * 10 + 0.5) / 10


def _number(value: object, field: str, label: str, *, high: float, positive: bool = True) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InputError(field, f"Enter the {label}.")
    if isinstance(value, bool):
        raise InputError(field, f"The {label} must be a number.")
    if isinstance(value, str):
        number = float(value) if _NUMBER.match(value) else math.nan
    else:
        number = float(value) if isinstance(value, int | float) else math.nan
    if not math.isfinite(number):
        raise InputError(field, f"The {label} must be a number.")
    if number < 0 or (positive and number == 0):
        raise InputError(field, f"The {label} must be more than 0." if positive else f"The {label} cannot be negative.")
    if number > high:
        raise InputError(field, f"The {label} cannot be more than {high:g}; check the number.")
    return number


def _score(value: object, field: str, top: int) -> int:
    number = _number(value, field, "answer", high=top, positive=False)
    if number != int(number):
        raise InputError(field, f"Choose a whole number from 0 to {top}.")
    return int(number)


# --- MME ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MmeLine:
    drug: str
    mme: float  # MME per day for this medicine, unrounded


@dataclass(frozen=True)
class MmeResult:
    total: float  # rounded to one decimal, as shown
    lines: tuple[MmeLine, ...]
    prompts: tuple[int, ...]  # the review prompts (MME/day) the total reaches
    cautions: tuple[str, ...]  # drugs with their own caution that were entered


def mme(doses: Sequence[Mapping[str, object]], calc: MmeCalculator) -> MmeResult:
    """Total MME per day of ``doses`` (``{drug, mg, per_day}`` or, for a patch, ``{drug, mcg_hr}``)."""
    if not doses:
        raise InputError("drug", "Add at least one medicine.")
    factors = {f.drug: f for f in calc.factors}
    excluded = {n.drug: n for n in calc.no_factor}
    lines = []
    for n, dose in enumerate(doses, 1):
        drug = str(dose.get("drug") or "")
        where = f"row {n}"
        if drug in excluded:
            raise InputError(f"{where} drug", f"{excluded[drug].label} has no MME factor and is not added to a total.")
        if drug not in factors:
            raise InputError(f"{where} drug", "Choose a medicine from the list.")
        factor = factors[drug]
        if factor.unit == "mcg/hr":
            if dose.get("mg") not in (None, "") or dose.get("per_day") not in (None, ""):
                raise InputError(f"{where} mcg_hr", "Enter a patch by its strength in mcg per hour, not in mg.")
            rate = _number(dose.get("mcg_hr"), f"{where} mcg_hr", "patch strength (mcg/hr)", high=calc.max_mcg_hr)
            lines.append(MmeLine(drug, rate * factor.factor))
        else:
            if dose.get("mcg_hr") not in (None, ""):
                raise InputError(f"{where} mg", "Only a patch is entered in mcg per hour; enter this dose in mg.")
            mg = _number(dose.get("mg"), f"{where} mg", "dose (mg)", high=calc.max_mg)
            per_day = _number(dose.get("per_day"), f"{where} per_day", "number of doses a day", high=calc.max_per_day)
            lines.append(MmeLine(drug, mg * per_day * factor.factor))
    total = 0.0
    for line in lines:  # in entry order, as the page adds them
        total += line.mme
    shown = round1(total)
    return MmeResult(
        total=shown,
        lines=tuple(lines),
        prompts=tuple(p.at for p in calc.review_prompts if shown >= p.at),
        cautions=tuple(dict.fromkeys(line.drug for line in lines if factors[line.drug].caution)),
    )


# --- PEG, PHQ-9, ORT-OUD -----------------------------------------------------------------------------------


def peg(scores: Mapping[str, object], calc: PegCalculator) -> float:
    """The PEG score: the mean of the three item scores (0-10), to one decimal."""
    values = [_score(scores.get(item.id), item.id, calc.scale_max) for item in calc.items]
    return round1(sum(values) / len(values))


@dataclass(frozen=True)
class Phq9Result:
    total: int
    band: str
    safety: bool  # the safety item scored above 0: the same-visit safety step and 988 are shown


def _items(items: Sequence[object], count: int, top: int) -> list[int]:
    if len(items) != count:
        raise InputError("items", f"Answer all {count} questions ({len(items)} answered).")
    return [_score(value, f"item {n}", top) for n, value in enumerate(items, 1)]


def phq9(items: Sequence[object], calc: Phq9Calculator) -> Phq9Result:
    values = _items(items, len(calc.items), calc.choices[-1].value)
    total = sum(values)
    band = next(b.label for b in calc.bands if b.min <= total <= b.max)
    return Phq9Result(total, band, values[calc.safety.item - 1] > 0)


def ort_oud(items: Sequence[object], calc: OrtOudCalculator) -> int:
    """The ORT-OUD total: one point for each "yes" (1)."""
    return sum(_items(items, len(calc.items), 1))


# --- the validator hook ------------------------------------------------------------------------------------


def _computed(calc: CalculatorModel, i: int) -> tuple[object, object]:
    """(what the reference code gives, what the YAML example says) for example ``i``."""
    if isinstance(calc, MmeCalculator):
        mme_example = calc.examples[i]
        doses = [d.model_dump(exclude_none=True) for d in mme_example.doses]
        return mme(doses, calc).total, mme_example.expect
    if isinstance(calc, PegCalculator):
        peg_example = calc.examples[i]
        return peg(peg_example.scores, calc), peg_example.expect
    example = calc.examples[i]
    if isinstance(calc, Phq9Calculator):
        result = phq9(example.items, calc)
        return (result.total, result.band, result.safety), (example.expect, example.band, example.safety)
    return ort_oud(example.items, calc), example.expect


def example_problems(calc: CalculatorModel) -> list[tuple[int, str]]:
    """(index, message) for each worked example the reference implementation does not reproduce."""
    out = []
    for i in range(len(calc.examples)):
        try:
            got, expect = _computed(calc, i)
        except InputError as exc:
            out.append((i, f"the calculator refuses this example ({exc})"))
            continue
        if got != expect:
            out.append((i, f"the calculator gives {got}, the example says {expect}"))
    return out


def problems(catalog: Catalog, nodes: Mapping[str, tuple[yaml.Node, str]]) -> list[Problem]:
    """Located problems of every calculator block: worked examples that do not compute, unknown sources, and
    one block per kind of calculator (the site has one page per kind)."""
    out: list[Problem] = []
    seen: dict[str, str] = {}
    for entry in _with_calculators(catalog.entries.values()):
        calc = entry.calculator
        assert calc is not None
        node, shown = nodes[entry.id]

        def add(loc: list[str | int], message: str) -> None:
            out.append(Problem(shown, line_of(node, loc), field_path(loc), message))  # noqa: B023

        if calc.kind in seen:
            add(["calculator", "kind"], f"a '{calc.kind}' calculator is already defined by '{seen[calc.kind]}'")
        seen[calc.kind] = entry.id
        if catalog.sources and calc.source.id not in catalog.sources:
            add(["calculator", "source", "id"], f"'{calc.source.id}' is not a source in sources.yaml")
        for i, message in example_problems(calc):
            add(["calculator", "examples", i], message)
    return out


def _with_calculators(entries: Iterable[object]) -> Iterable[DataElementEntry]:
    return (e for e in entries if isinstance(e, DataElementEntry) and e.calculator is not None)
