"""Codes on entries: ICD-10-CM checked offline, other systems only with recorded provenance, both located."""

from __future__ import annotations

from pathlib import Path

import pytest

from painguide.content import codes
from painguide.content.validate import validate
from tests.helpers import copy_content


@pytest.mark.parametrize(
    ("system", "code", "ok"),
    [
        ("icd10cm", "M17", True),  # a category
        ("icd10cm", "M17.11", True),  # a billable code
        ("icd10cm", "E11.4", True),  # a subcategory
        ("icd10cm", "G89.29", True),
        ("icd10cm", "M17.99", False),  # shaped like a code, not in the code set
        ("icd10cm", "m17", False),  # lower case is not how ICD-10-CM is written
        ("icd10cm", "M00-M99", False),  # a block, not a code
        ("rxnorm", "161", True),
        ("rxnorm", "0161", False),
        ("rxnorm", "acetaminophen", False),
        ("loinc", "2345-7", True),
        ("loinc", "2345", False),
        ("snomed", "77386006", True),
    ],
)
def test_code_checks(system: str, code: str, ok: bool) -> None:
    assert (codes.problem(system, code) is None) is ok


def test_icd10cm_ancestors_walk_up_to_the_category() -> None:
    assert codes.icd10cm_ancestors("M17.11") == ["M17.11", "M17.1", "M17"]
    assert codes.icd10cm_ancestors("e11.42") == ["E11.42", "E11.4", "E11"]
    assert codes.icd10cm_ancestors("M17") == ["M17"]
    assert codes.icd10cm_ancestors(" ") == []


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_invalid_icd10cm_code_is_a_located_error(tmp_path: Path) -> None:
    root = copy_content(tmp_path)
    target = root / "conditions" / "osteoarthritis-pain.yaml"
    _edit(target, "code: M16, display", "code: M16.99, display")
    _, problems = validate(root)
    [problem] = problems
    line = next(n for n, text in enumerate(target.read_text().splitlines(), 1) if "M16.99" in text)
    assert problem.path.endswith("conditions/osteoarthritis-pain.yaml") and problem.line == line
    assert "M16.99" in problem.message and "ICD-10-CM" in problem.message


def test_an_rxnorm_code_needs_recorded_provenance(tmp_path: Path) -> None:
    root = copy_content(tmp_path)
    target = root / "treatments" / "acetaminophen.yaml"
    _edit(target, 'code: "161"', 'code: "5640"')
    _, problems = validate(root)
    [problem] = problems
    assert problem.path.endswith("treatments/acetaminophen.yaml") and problem.field == "codes[0].code"
    assert "5640" in problem.message and "codes.yaml" in problem.message


def test_a_display_must_match_its_provenance_record(tmp_path: Path) -> None:
    root = copy_content(tmp_path)
    _edit(root / "treatments" / "acetaminophen.yaml", "display: acetaminophen}", "display: paracetamol}")
    _, problems = validate(root)
    [problem] = problems
    assert problem.field == "codes[0].display" and "'acetaminophen'" in problem.message


def test_a_code_listed_twice_in_codes_yaml_is_reported(tmp_path: Path) -> None:
    root = copy_content(tmp_path)
    registry = root / "codes.yaml"
    registry.write_text(registry.read_text() + registry.read_text().split("codes:\n", 1)[1])
    _, problems = validate(root)
    assert {p.message for p in problems} == {"rxnorm 161 is listed twice", "rxnorm 7052 is listed twice"}


def test_every_code_in_the_corpus_is_valid_or_has_provenance(real_catalog) -> None:
    # load() raised otherwise; this also pins that the medication and condition entries carry codes at all
    systems = {c.system for e in real_catalog.entries.values() for c in e.codes}
    assert {"icd10cm", "rxnorm"} <= systems
    assert {c.code for c in real_catalog.entries["acetaminophen"].codes} == {"161"}
