"""The calculator blocks (painguide.content.instruments) and the reference implementation
(painguide.content.calculators): a table of cases with totals worked out by hand, the input rules, the
schema's checks on a block, and the validator hook that recomputes every worked example in the YAML.

The case tables are shared with the browser tests (tests/site/test_tools.py), which check that each page
shows the same result as the reference code.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import TypeAdapter, ValidationError

from painguide.content import calculators
from painguide.content.calculators import InputError, mme, ort_oud, peg, phq9, round1
from painguide.content.instruments import Calculator, MmeCalculator, OrtOudCalculator, PegCalculator, Phq9Calculator
from painguide.content.schema import DOCUMENT, DataElementEntry
from painguide.content.validate import validate
from tests.helpers import REAL_CONTENT, copy_content

FILES = {
    "mme": "morphine-equivalent-dose",
    "peg": "peg-score",
    "phq-9": "phq-depression-screen",
    "ort-oud": "opioid-risk-tool",
}
# The CDC 2022 factors as confirmed against the guideline's table (MME per mg; the patch per mcg/hr).
CDC_2022 = {
    "codeine": 0.15,
    "fentanyl-patch": 2.4,
    "hydrocodone": 1,
    "hydromorphone": 5,
    "methadone": 4.7,
    "morphine": 1,
    "oxycodone": 1.5,
    "oxymorphone": 3,
    "tapentadol": 0.4,
    "tramadol": 0.2,
}

Dose = dict[str, Any]
# (case name, doses, total MME/day worked out by hand)
MME_CASES: list[tuple[str, list[Dose], float]] = [
    (
        "yaml-example-55",
        [{"drug": "oxycodone", "mg": 10, "per_day": 3}, {"drug": "hydrocodone", "mg": 5, "per_day": 2}],
        55,
    ),
    ("fentanyl-patch-25", [{"drug": "fentanyl-patch", "mcg_hr": 25}], 60),
    ("codeine", [{"drug": "codeine", "mg": 30, "per_day": 4}], 18),
    ("tramadol", [{"drug": "tramadol", "mg": 50, "per_day": 4}], 40),
    ("tapentadol", [{"drug": "tapentadol", "mg": 100, "per_day": 2}], 80),
    ("hydromorphone", [{"drug": "hydromorphone", "mg": 4, "per_day": 6}], 120),
    ("oxymorphone", [{"drug": "oxymorphone", "mg": 10, "per_day": 2}], 60),
    ("methadone", [{"drug": "methadone", "mg": 10, "per_day": 2}], 94),
    ("half-a-dose-a-day", [{"drug": "oxycodone", "mg": 10, "per_day": 0.5}], 7.5),
    ("decimal-mg", [{"drug": "hydromorphone", "mg": 2.5, "per_day": 3}], 37.5),
    ("one-decimal-shown", [{"drug": "codeine", "mg": 15, "per_day": 1}], 2.3),  # 2.25 shown half-up
    (
        "several-with-a-patch",
        [{"drug": "morphine", "mg": 30, "per_day": 2}, {"drug": "fentanyl-patch", "mcg_hr": 12}],
        88.8,
    ),
    (
        "three-medicines",
        [
            {"drug": "oxycodone", "mg": 5, "per_day": 4},
            {"drug": "tramadol", "mg": 50, "per_day": 2},
            {"drug": "morphine", "mg": 15, "per_day": 2},
        ],
        80,  # 30 + 20 + 30
    ),
]
# (case name, doses, the field the error is about)
MME_ERRORS: list[tuple[str, list[Dose], str]] = [
    ("no-medicine", [], "drug"),
    ("negative-dose", [{"drug": "oxycodone", "mg": -5, "per_day": 2}], "row 1 mg"),
    ("zero-dose", [{"drug": "oxycodone", "mg": 0, "per_day": 2}], "row 1 mg"),
    ("missing-frequency", [{"drug": "oxycodone", "mg": 10}], "row 1 per_day"),
    ("blank-frequency", [{"drug": "oxycodone", "mg": 10, "per_day": " "}], "row 1 per_day"),
    ("non-numeric", [{"drug": "oxycodone", "mg": "ten", "per_day": 2}], "row 1 mg"),
    ("exponent", [{"drug": "oxycodone", "mg": "1e3", "per_day": 1}], "row 1 mg"),
    ("too-many-a-day", [{"drug": "morphine", "mg": 10, "per_day": 30}], "row 1 per_day"),
    ("buprenorphine", [{"drug": "buprenorphine", "mg": 8, "per_day": 1}], "row 1 drug"),
    ("unknown-drug", [{"drug": "oxycontin", "mg": 10, "per_day": 2}], "row 1 drug"),
    ("patch-in-mg", [{"drug": "fentanyl-patch", "mg": 25, "per_day": 1}], "row 1 mcg_hr"),
    ("patch-without-strength", [{"drug": "fentanyl-patch"}], "row 1 mcg_hr"),
    ("pill-in-mcg-hr", [{"drug": "morphine", "mcg_hr": 25}], "row 1 mg"),
    ("second-row-bad", [{"drug": "morphine", "mg": 10, "per_day": 2}, {"drug": "codeine", "mg": 30}], "row 2 per_day"),
]
# (case name, {pain, enjoyment, activity}, PEG score or None when the input is refused)
PEG_CASES: list[tuple[str, dict[str, Any], float | None]] = [
    ("yaml-example", {"pain": 6, "enjoyment": 7, "activity": 5}, 6),
    ("issue-link", {"pain": 6, "enjoyment": 8, "activity": 4}, 6),
    ("zero", {"pain": 0, "enjoyment": 0, "activity": 0}, 0),
    ("maximum", {"pain": 10, "enjoyment": 10, "activity": 10}, 10),
    ("one-decimal", {"pain": 7, "enjoyment": 5, "activity": 5}, 5.7),
    ("a-third", {"pain": 1, "enjoyment": 0, "activity": 0}, 0.3),
    ("above-ten", {"pain": 11, "enjoyment": 8, "activity": 4}, None),
    ("negative", {"pain": -1, "enjoyment": 8, "activity": 4}, None),
    ("not-whole", {"pain": 5.5, "enjoyment": 8, "activity": 4}, None),
    ("non-numeric", {"pain": "six", "enjoyment": 8, "activity": 4}, None),
    ("missing-item", {"pain": 6, "enjoyment": 8}, None),
]
# (case name, nine items, (total, band, safety step shown) or None when refused)
PHQ9_CASES: list[tuple[str, list[Any], tuple[int, str, bool] | None]] = [
    ("zero", [0] * 9, (0, "None or minimal", False)),
    ("issue-link", [0, 1, 2, 0, 1, 0, 0, 0, 1], (5, "Mild", True)),
    ("maximum", [3] * 9, (27, "Severe", True)),
    ("top-of-minimal", [1, 1, 1, 1, 0, 0, 0, 0, 0], (4, "None or minimal", False)),
    ("top-of-mild", [1] * 8 + [1], (9, "Mild", True)),
    ("moderate", [2, 2, 1, 2, 1, 1, 1, 0, 0], (10, "Moderate", False)),
    ("top-of-moderate", [2, 2, 2, 2, 2, 2, 2, 0, 0], (14, "Moderate", False)),
    ("moderately-severe", [2, 2, 2, 2, 2, 2, 2, 1, 0], (15, "Moderately severe", False)),
    ("top-of-moderately-severe", [3, 3, 3, 2, 2, 2, 2, 2, 0], (19, "Moderately severe", False)),
    ("severe", [3, 3, 3, 3, 2, 2, 2, 2, 0], (20, "Severe", False)),
    ("item-9-alone", [0, 0, 0, 0, 0, 0, 0, 0, 1], (1, "None or minimal", True)),
    ("eight-items", [0] * 8, None),
    ("item-above-3", [0, 0, 0, 4, 0, 0, 0, 0, 0], None),
    ("negative-item", [0, 0, -1, 0, 0, 0, 0, 0, 0], None),
    ("non-numeric-item", [0, "a", 0, 0, 0, 0, 0, 0, 0], None),
]
# (case name, nine yes (1) / no (0) items, total or None when refused)
ORT_CASES: list[tuple[str, list[Any], int | None]] = [
    ("zero", [0] * 9, 0),
    ("mixed", [1, 0, 0, 0, 0, 0, 1, 0, 1], 3),
    ("maximum", [1] * 9, 9),
    ("personal-history", [0, 0, 0, 1, 1, 1, 0, 0, 0], 3),
    ("a-two", [0, 2, 0, 0, 0, 0, 0, 0, 0], None),
    ("ten-items", [0] * 10, None),
]


def block(kind: str) -> Any:
    """The calculator block of the real entry file (read alone, so other files in progress cannot hide it)."""
    data = yaml.safe_load((REAL_CONTENT / "data-elements" / f"{FILES[kind]}.yaml").read_text(encoding="utf-8"))
    entry = DOCUMENT.validate_python(data)
    assert isinstance(entry, DataElementEntry) and entry.calculator is not None
    assert entry.calculator.kind == kind
    return entry.calculator


@pytest.fixture(scope="module")
def blocks() -> dict[str, Any]:
    return {kind: block(kind) for kind in FILES}


@pytest.mark.parametrize(("name", "doses", "expected"), MME_CASES, ids=[c[0] for c in MME_CASES])
def test_mme_cases(blocks, name, doses, expected):
    assert mme(doses, blocks["mme"]).total == expected


@pytest.mark.parametrize(("name", "doses", "field"), MME_ERRORS, ids=[c[0] for c in MME_ERRORS])
def test_mme_refuses_bad_input(blocks, name, doses, field):
    with pytest.raises(InputError) as info:
        mme(doses, blocks["mme"])
    assert info.value.field == field
    assert info.value.message.endswith(".")


def test_mme_review_prompts_and_cautions(blocks):
    calc = blocks["mme"]
    assert mme([{"drug": "morphine", "mg": 15, "per_day": 2}], calc).prompts == ()
    assert mme(MME_CASES[0][1], calc).prompts == (50,)
    methadone = mme([{"drug": "methadone", "mg": 10, "per_day": 2}], calc)
    assert methadone.prompts == (50, 90)
    assert methadone.cautions == ("methadone",)
    assert mme([{"drug": "fentanyl-patch", "mcg_hr": 25}], calc).cautions == ("fentanyl-patch",)
    # each line keeps its own unrounded MME, in entry order
    assert [line.mme for line in mme(MME_CASES[0][1], calc).lines] == [45, 10]


def test_mme_factors_are_the_confirmed_cdc_table(blocks):
    calc: MmeCalculator = blocks["mme"]
    assert {f.drug: f.factor for f in calc.factors} == CDC_2022
    assert {f.drug: f.unit for f in calc.factors if f.unit != "mg"} == {"fentanyl-patch": "mcg/hr"}
    assert [n.drug for n in calc.no_factor] == ["buprenorphine"]
    assert {f.drug for f in calc.factors if f.caution} == {"methadone", "fentanyl-patch"}
    assert len(calc.cautions) == 5
    # 50 and 90 are prompts for review, framed as never a cap or a reason to taper
    assert [p.at for p in calc.review_prompts] == [50, 90]
    for prompt in calc.review_prompts:
        assert "review" in prompt.text and ("not a limit" in prompt.text or "not a cap" in prompt.text)


def test_the_entry_text_states_the_same_factors():
    """The prose scoring section and the block cannot drift apart."""
    data = yaml.safe_load((REAL_CONTENT / "data-elements" / "morphine-equivalent-dose.yaml").read_text())
    text = " ".join(data["measure"]["scoring"].split())
    names = {"fentanyl-patch": "fentanyl transdermal"}
    for drug, factor in CDC_2022.items():
        assert f"{names.get(drug, drug)} {factor:g}" in text, drug


@pytest.mark.parametrize(("name", "scores", "expected"), PEG_CASES, ids=[c[0] for c in PEG_CASES])
def test_peg_cases(blocks, name, scores, expected):
    if expected is None:
        with pytest.raises(InputError):
            peg(scores, blocks["peg"])
    else:
        assert peg(scores, blocks["peg"]) == expected


@pytest.mark.parametrize(("name", "items", "expected"), PHQ9_CASES, ids=[c[0] for c in PHQ9_CASES])
def test_phq9_cases(blocks, name, items, expected):
    if expected is None:
        with pytest.raises(InputError):
            phq9(items, blocks["phq-9"])
    else:
        result = phq9(items, blocks["phq-9"])
        assert (result.total, result.band, result.safety) == expected


@pytest.mark.parametrize(("name", "items", "expected"), ORT_CASES, ids=[c[0] for c in ORT_CASES])
def test_ort_oud_cases(blocks, name, items, expected):
    if expected is None:
        with pytest.raises(InputError):
            ort_oud(items, blocks["ort-oud"])
    else:
        assert ort_oud(items, blocks["ort-oud"]) == expected


def test_published_structure(blocks):
    phq: Phq9Calculator = blocks["phq-9"]
    assert [(b.min, b.max) for b in phq.bands] == [(0, 4), (5, 9), (10, 14), (15, 19), (20, 27)]
    assert [c.value for c in phq.choices] == [0, 1, 2, 3]
    assert phq.safety.item == 9 and "988" in phq.safety.text
    assert phq.items[0].text.startswith("Little interest") and phq.items[8].text.startswith("Thoughts that")
    pegc: PegCalculator = blocks["peg"]
    assert [i.id for i in pegc.items] == ["pain", "enjoyment", "activity"]
    ort: OrtOudCalculator = blocks["ort-oud"]
    assert len(ort.items) == 9
    assert [i.group for i in ort.items[:6]] == ["Family history of substance use problems"] * 3 + [
        "Personal history of substance use problems"
    ] * 3
    # ORT-OUD deliberately has no risk bands (none confirmed); the page says so instead
    assert "bands" not in type(ort).model_fields
    assert "cut-offs" in ort.no_bands


def test_every_block_names_its_source_with_a_locator(blocks):
    for calc in blocks.values():
        assert calc.source.locator.strip()
        assert calc.limits and calc.intended_use


@pytest.mark.parametrize(
    ("value", "shown"), [(0.25, 0.3), (2.25, 2.3), (0.35, 0.4), (44.95, 45.0), (0.04, 0.0), (60.00000000000001, 60.0)]
)
def test_round1_is_half_up_like_javascript(value, shown):
    assert round1(value) == shown


# --- the schema's checks on a block --------------------------------------------------------------------

ADAPTER: TypeAdapter[Any] = TypeAdapter(Calculator)


def _raw(kind: str) -> dict[str, Any]:
    data = yaml.safe_load((REAL_CONTENT / "data-elements" / f"{FILES[kind]}.yaml").read_text())
    return copy.deepcopy(data["calculator"])


@pytest.mark.parametrize(
    ("kind", "change", "message"),
    [
        ("phq-9", lambda c: c["bands"][1].update(min=6), "no gap or overlap"),
        ("phq-9", lambda c: c["bands"][-1].update(max=26), "maximum total, 27"),
        ("phq-9", lambda c: c["safety"].update(text="Talk with a clinician today about question nine."), "988"),
        ("phq-9", lambda c: c["examples"][0]["items"].pop(), "item scores"),
        ("phq-9", lambda c: c["examples"][0].update(band="Very mild"), "not one of the bands"),
        ("mme", lambda c: c["factors"].append(dict(c["factors"][0])), "each drug appears once"),
        ("mme", lambda c: c["no_factor"].append({**c["no_factor"][0], "drug": "codeine"}), "no_factor"),
        ("mme", lambda c: c["factors"][0].update(factor=-1), "greater than 0"),
        ("mme", lambda c: c["factors"][0].update(label="<b>Codeine</b>"), "not allowed"),
        ("mme", lambda c: c["source"].pop("locator"), "locator"),
        ("peg", lambda c: c["examples"][0]["scores"].pop("pain"), "exactly the items"),
        ("ort-oud", lambda c: c["examples"][0]["items"].__setitem__(0, 2), "above 1"),
        ("ort-oud", lambda c: c.update(bands=[{"min": 0, "max": 2, "label": "Low"}]), "Extra inputs"),
    ],
)
def test_schema_rejects_bad_blocks(kind, change, message):
    raw = _raw(kind)
    ADAPTER.validate_python(raw)  # the real block is valid
    change(raw)
    with pytest.raises(ValidationError, match=message):
        ADAPTER.validate_python(raw)


# --- the validator hook ------------------------------------------------------------------------------------


def _tree(tmp_path: Path) -> Path:
    """The fixture tree plus the real MME entry (its related entries removed: the fixture lacks them)."""
    root = copy_content(tmp_path)
    data = yaml.safe_load((REAL_CONTENT / "data-elements" / "morphine-equivalent-dose.yaml").read_text())
    data["related"] = []
    (root / "data-elements" / "morphine-equivalent-dose.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return root


def _write(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data["calculator"])
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_validator_accepts_the_worked_examples(tmp_path):
    _, problems = validate(_tree(tmp_path))
    assert problems == []


def test_validator_recomputes_every_worked_example(tmp_path):
    root = _tree(tmp_path)
    path = root / "data-elements" / "morphine-equivalent-dose.yaml"
    _write(path, lambda c: c["examples"][0].update(expect=56))
    _, problems = validate(root)
    assert [(p.field, p.message) for p in problems] == [
        ("calculator.examples[0]", "the calculator gives 55.0, the example says 56.0")
    ]
    lines = path.read_text().splitlines()
    assert lines[problems[0].line - 1].strip().startswith("- doses:")  # located at the example itself


def test_validator_reports_an_example_the_calculator_refuses(tmp_path):
    root = _tree(tmp_path)
    path = root / "data-elements" / "morphine-equivalent-dose.yaml"
    _write(path, lambda c: c["examples"][1]["doses"][0].update(mg=25))  # a patch entered in mg
    _, problems = validate(root)
    assert [p.field for p in problems] == ["calculator.examples[1]"]
    assert "refuses this example" in problems[0].message and "mcg per hour" in problems[0].message


def test_validator_checks_the_calculator_source(tmp_path):
    root = _tree(tmp_path)
    _write(root / "data-elements" / "morphine-equivalent-dose.yaml", lambda c: c["source"].update(id="no-such-source"))
    _, problems = validate(root)
    assert [(p.field, p.message) for p in problems] == [
        ("calculator.source.id", "'no-such-source' is not a source in sources.yaml")
    ]


def test_validator_allows_one_block_per_kind(tmp_path):
    root = _tree(tmp_path)
    data = yaml.safe_load((root / "data-elements" / "morphine-equivalent-dose.yaml").read_text())
    peg_entry = yaml.safe_load((root / "data-elements" / "peg-score.yaml").read_text())
    peg_entry["calculator"] = data["calculator"]
    (root / "data-elements" / "peg-score.yaml").write_text(yaml.safe_dump(peg_entry, sort_keys=False))
    _, problems = validate(root)
    assert [p.field for p in problems] == ["calculator.kind"]
    assert "already defined" in problems[0].message


def test_example_problems_is_empty_for_every_real_block(blocks):
    for calc in blocks.values():
        assert calculators.example_problems(calc) == []


@pytest.mark.parametrize("kind", ["peg", "phq-9"])
def test_patient_facing_text_reads_at_grade_8_or_below(blocks, kind):
    """A patient may fill in the PEG and the PHQ-9 alone: the instructions and the notes they see read at the
    patient level (Flesch-Kincaid, textstat as in `make readability`). Measured: 1.1-6.5."""
    import textstat

    calc = blocks[kind]
    texts = [calc.instructions, calc.no_bands if kind == "peg" else calc.safety.text]
    for text in texts:
        plain = text.replace("**", "")
        assert textstat.flesch_kincaid_grade(plain) <= 8, plain
