"""MME conversion factors written out in module text (questions, assignments, lessons) equal the calculator
block's (guidelines/data-elements/morphine-equivalent-dose.yaml): a factor edited in one place only is a
failure, as tests/content/test_instruments.py::test_the_entry_text_states_the_same_factors is for the entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from painguide.content.instruments import Factor, MmeCalculator

NUMBER = r"(\d+(?:\.\d+)?)"
# "the CDC 2022 factors (codeine 0.15, fentanyl transdermal 2.4 per mcg/hr, hydrocodone 1, ...)"
LIST = re.compile(r"factors \(([^)]*)\)")
LIST_ITEM = re.compile(rf"^\s*([a-z][a-z ]*?)\s+{NUMBER}(\s+per mcg/hr)?\s*$")
# "the CDC 2022 conversion factor for oxycodone (1.5)"
FOR_DRUG = re.compile(rf"factor for ([a-z][a-z -]*?) \({NUMBER}\)")
# "the CDC 2022 factor of 2.4 per mcg/hr": the patch's factor (the only one per mcg/hr)
PER_MCG_HR = re.compile(rf"factor of {NUMBER} per mcg/hr")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield " ".join(value.split())
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _factor(calc: MmeCalculator, name: str) -> Factor:
    """The table row a prose name means: its id ("oxycodone") or the start of its label ("fentanyl transdermal")."""
    matches = [
        f for f in calc.factors if name in {f.drug, f.drug.replace("-", " ")} or f.label.lower().startswith(name)
    ]
    assert len(matches) == 1, f"{name!r} names {len(matches)} rows of the MME table"
    return matches[0]


def stated_factors(text: str, calc: MmeCalculator) -> tuple[list[tuple[str, float]], list[set[str]]]:
    """((drug, factor) for every factor the text states, the drugs of each full list of factors it gives)."""
    stated: list[tuple[str, float]] = []
    lists: list[set[str]] = []
    for listed in LIST.finditer(text):
        drugs = set()
        for item in listed[1].split(","):
            match = LIST_ITEM.match(item)
            assert match, f"cannot read {item!r} in a list of factors"
            factor = _factor(calc, match[1])
            assert (factor.unit == "mcg/hr") is bool(match[3]), f"{item!r}: the unit is {factor.unit}"
            stated.append((factor.drug, float(match[2])))
            drugs.add(factor.drug)
        lists.append(drugs)
    stated += [(_factor(calc, m[1]).drug, float(m[2])) for m in FOR_DRUG.finditer(text)]
    patch = [f for f in calc.factors if f.unit == "mcg/hr"]
    stated += [(patch[0].drug, float(m[1])) for m in PER_MCG_HR.finditer(text)]
    return stated, lists


@pytest.fixture(scope="module")
def calc(real_catalog) -> MmeCalculator:
    entry = real_catalog.entries["morphine-equivalent-dose"]
    assert isinstance(entry.calculator, MmeCalculator)
    return entry.calculator


def test_module_text_states_the_calculator_factors(real_catalog, calc):
    table = {f.drug: f.factor for f in calc.factors}
    found = 0
    for module in real_catalog.modules.values():
        for text in _strings(module.model_dump(mode="json")):
            stated, lists = stated_factors(text, calc)
            for drug, factor in stated:
                assert factor == table[drug], f"module {module.id}: {drug} {factor:g}, the table says {table[drug]:g}"
            for drugs in lists:  # a list of "the CDC 2022 factors" leaves none out
                assert drugs == set(table), f"module {module.id}: the list of factors leaves out {set(table) - drugs}"
            found += len(stated)
    assert found >= len(table) + 3  # the assignment's full list, and the questions that name one factor


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Using the CDC 2022 factors (codeine 0.15, fentanyl transdermal 2.4 per mcg/hr), add", [("codeine", 0.15)]),
        ("Using the CDC 2022 conversion factor for oxycodone (1.6), what", [("oxycodone", 1.6)]),
        ("Using the CDC 2022 factor of 2.5 per mcg/hr, what", [("fentanyl-patch", 2.5)]),
    ],
)
def test_the_reader_finds_each_way_a_factor_is_written(calc, text, expected):
    stated, _ = stated_factors(text, calc)
    assert stated[: len(expected)] == expected
