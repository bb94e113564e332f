"""The editorial and calculator limits tested at the limit, not at an extreme: one case just inside and one just
outside, both computed from the constant (or the YAML value) the rule uses, and the constants held to the
limits the README states (so a changed value is a changed, documented rule, not a silent one).

The rules: no answer position keys more than MAX_POSITION_SHARE of the questions, and the keyed answer is the
longest choice in at most MAX_LONGEST_SHARE of them (painguide/content/quality.py); no patient layer reads
above Flesch-Kincaid MAX_GRADE, and the median not above MAX_MEDIAN_GRADE (painguide/content/readability.py);
an MME total "at or above" a review prompt's ``at`` shows that prompt (painguide/content/calculators.py).
"""

from __future__ import annotations

import math
import re
from typing import Any

import pytest

from painguide.content import quality, readability
from painguide.content.calculators import mme
from painguide.content.schema import Question
from tests.content.test_instruments import block
from tests.helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


class _Module:
    def __init__(self, id: str, questions: list[Question]) -> None:
        self.id, self.questions = id, questions


def _locate(doc_id: str, loc: list) -> tuple[str, int]:
    return f"modules/{doc_id}.yaml", 1


def _curriculum(keys: list[int], longest: int = 0) -> list[_Module]:
    """Four-choice questions keyed at ``keys``; in the first ``longest`` of them the key is the longest choice."""
    questions = []
    for i, key in enumerate(keys):
        choices = [f"choice {i}-{j} of four" for j in range(4)]
        if i < longest:
            choices[key] += " with a long qualifying clause"
        else:  # another choice is longer than the key
            choices[(key + 1) % 4] += " with a long qualifying clause"
        questions.append(
            Question(
                prompt=f"Question number {i}?",
                choices=choices,
                answer=choices[key],
                explanation="Because.",
                entry="fixture-entry",
            )
        )
    return [_Module("m1", questions[: len(keys) // 2]), _Module("m2", questions[len(keys) // 2 :])]


def _smallest_exact(share: float) -> tuple[int, int]:
    """(n, k): the fewest questions, at least MIN_QUESTIONS_FOR_SHARES, in which k of n is exactly ``share``."""
    n = quality.MIN_QUESTIONS_FOR_SHARES
    while not math.isclose(n * share, round(n * share), abs_tol=1e-9):
        n += 1
    return n, round(n * share)


def _keys(n: int, in_a: int) -> list[int]:
    """``in_a`` keys at position 0 (A), the rest spread over B, C and D (none of which reaches A's count)."""
    return [0] * in_a + [1 + i % 3 for i in range(n - in_a)]


def _messages(keys: list[int], longest: int = 0) -> list[str]:
    return [p.message for p in quality.question_problems(_curriculum(keys, longest), _locate, "modules")]


def test_answer_position_share_at_the_limit_passes_and_one_past_fails():
    n, k = _smallest_exact(quality.MAX_POSITION_SHARE)
    assert (n - k) / 3 < k  # A is the most keyed position in both cases
    assert not [m for m in _messages(_keys(n, k)) if "keyed answers are choice" in m]
    past = [m for m in _messages(_keys(n, k + 1)) if "keyed answers are choice" in m]
    assert past and f"{k + 1} of {n} keyed answers are choice A" in past[0]


def test_length_cue_share_at_the_limit_passes_and_one_past_fails():
    n, k = _smallest_exact(quality.MAX_LONGEST_SHARE)
    balanced = [i % 4 for i in range(n)]
    assert not [m for m in _messages(balanced, longest=k) if "longest choice" in m]
    assert [m for m in _messages(balanced, longest=k + 1) if f"longest choice in {k + 1} of {n}" in m]


def test_shares_are_judged_from_min_questions_on():
    smallest = quality.MIN_QUESTIONS_FOR_SHARES
    assert not _messages([0] * (smallest - 1))
    assert [m for m in _messages([0] * smallest) if f"{smallest} of {smallest} keyed answers" in m]


# --- reading level: textstat stubbed to return the score under test ----------------------------------------


@pytest.fixture
def grade(monkeypatch):
    """Set the Flesch-Kincaid grade textstat reports (the other measures are only reported, never gated)."""
    import textstat

    scores: dict[str, float] = {"grade": 0.0}
    monkeypatch.setattr(textstat, "flesch_kincaid_grade", lambda text: scores["grade"])
    return scores


def _patient_layer(fixture_catalog: Any) -> Any:
    return next(e.patient for e in fixture_catalog.entries.values() if e.patient is not None)


def _grade_problems(layer: Any) -> list[str]:
    return [m for m in readability.measure("x", layer).problems() if "Flesch-Kincaid" in m]


def test_patient_grade_at_the_limit_passes_and_a_tenth_past_fails(grade, fixture_catalog):
    layer = _patient_layer(fixture_catalog)
    grade["grade"] = readability.MAX_GRADE
    assert _grade_problems(layer) == []
    grade["grade"] = readability.MAX_GRADE + 0.1
    assert _grade_problems(layer) == [
        f"reads at Flesch-Kincaid grade {round(readability.MAX_GRADE + 0.1, 1)} (limit {readability.MAX_GRADE}); "
        "use shorter sentences and common words where a reader would stumble"
    ]


def test_median_grade_at_the_limit_passes_and_a_tenth_past_fails(grade, fixture_catalog):
    entries = [e for e in fixture_catalog.entries.values() if e.patient is not None]
    assert len(entries) >= 2

    def median_problems() -> list[str]:
        found = quality.readability_problems(entries, lambda doc_id, loc: (doc_id, 1), "guidelines")
        return [p.message for p in found if "median" in p.message]

    grade["grade"] = readability.MAX_MEDIAN_GRADE
    assert median_problems() == []
    grade["grade"] = readability.MAX_MEDIAN_GRADE + 0.1
    assert median_problems() == [
        f"the median patient layer reads at grade {round(readability.MAX_MEDIAN_GRADE + 0.1, 1)} "
        f"(limit {readability.MAX_MEDIAN_GRADE})"
    ]


def test_minimum_words_at_the_limit_passes_and_one_short_fails():
    def words(n: int) -> list[str]:
        return [m for m in readability.Reading("x", n, 5.0, 5.0, 5.0).problems() if "words" in m]

    assert words(readability.MIN_WORDS) == []
    assert words(readability.MIN_WORDS - 1)


# --- the limits the README states are the constants ----------------------------------------------------------


def test_the_readme_states_the_limits_the_code_applies():
    """`painguide validate --strict` in the README: a limit changed in code alone is a rule changed silently."""
    grades = re.search(
        r"Flesch-Kincaid grade (\d+(?:\.\d+)?) or below per layer, median (\d+(?:\.\d+)?) or below", README
    )
    share = re.search(r"no position over (\d+)%", README)
    assert grades and share, "the README no longer states the strict-mode limits"
    assert float(grades[1]) == readability.MAX_GRADE
    assert float(grades[2]) == readability.MAX_MEDIAN_GRADE
    assert int(share[1]) / 100 == quality.MAX_POSITION_SHARE


# --- MME review prompts: "at or above" -------------------------------------------------------------------------

_CALC = block("mme")
_MORPHINE = next(f for f in _CALC.factors if f.drug == "morphine")
_AT = [p.at for p in _CALC.review_prompts]


def _morphine(total: float) -> list[dict[str, Any]]:
    return [{"drug": "morphine", "mg": total / _MORPHINE.factor, "per_day": 1}]


# (case name, doses, the prompts the total reaches): each prompt's value exactly, and a tenth under it (the
# total's shown precision), also as the sum of two medicines. Shared with the page test (tests/site/test_tools.py).
MME_LIMIT_CASES: list[tuple[str, list[dict[str, Any]], tuple[int, ...]]] = []
for _at in _AT:
    MME_LIMIT_CASES += [
        (f"at-{_at}", _morphine(_at), tuple(a for a in _AT if a <= _at)),
        (f"under-{_at}", _morphine(round(_at - 0.1, 1)), tuple(a for a in _AT if a < _at)),
        (
            f"at-{_at}-in-two",
            [*_morphine(_at - 30), {"drug": "oxycodone", "mg": 10, "per_day": 2}],  # oxycodone 10 x 2 x 1.5 = 30
            tuple(a for a in _AT if a <= _at),
        ),
    ]


def test_the_limit_cases_are_what_they_say():
    assert sorted(_AT) == _AT and len(_AT) >= 2
    assert next(f for f in _CALC.factors if f.drug == "oxycodone").factor == 1.5
    for name, doses, _ in MME_LIMIT_CASES:
        at = float(name.split("-")[1])
        assert mme(doses, _CALC).total == (at if name.startswith("at-") else round(at - 0.1, 1)), name


@pytest.mark.parametrize(("name", "doses", "prompts"), MME_LIMIT_CASES, ids=[c[0] for c in MME_LIMIT_CASES])
def test_mme_review_prompts_fire_at_the_value_and_not_a_tenth_under(name, doses, prompts):
    assert mme(doses, _CALC).prompts == prompts
