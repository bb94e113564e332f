"""painguide.content.quality and the Question schema: knowledge checks that discriminate, in every output."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml
from pydantic import ValidationError

from painguide.content import quality
from painguide.content.schema import Question

LETTERS = "ABCDEF"


def _q(prompt: str, choices: list[str], answer: str) -> Question:
    return Question(prompt=prompt, choices=choices, answer=answer, explanation="Because.", entry="fixture-entry")


class _Module:
    def __init__(self, id: str, questions: list[Question]) -> None:
        self.id, self.questions = id, questions


def _locate(doc_id: str, loc: list) -> tuple[str, int]:
    return f"modules/{doc_id}.yaml", 10 + (loc[1] if len(loc) > 1 else 0)


def _modules(keys: list[int], longest: bool = False) -> list[_Module]:
    questions = []
    for i, key in enumerate(keys):
        choices = [f"choice {i}-{j}" for j in range(4)]
        if longest:
            choices[key] += " with a long qualifying clause"
        questions.append(_q(f"Question number {i}?", choices, choices[key]))
    return [_Module("m1", questions[: len(keys) // 2]), _Module("m2", questions[len(keys) // 2 :])]


def test_keys_bunched_in_one_position_are_a_problem():
    found = quality.question_problems(_modules([0] * 18 + [1, 2, 3, 1]), _locate, "modules")
    assert any("18 of 22 keyed answers are choice A" in p.message for p in found)


def test_balanced_keys_pass():
    assert not quality.question_problems(_modules([0, 1, 2, 3] * 6), _locate, "modules")


def test_the_length_cue_is_a_problem():
    found = quality.question_problems(_modules([0, 1, 2, 3] * 6, longest=True), _locate, "modules")
    assert any("longest choice in 24 of 24" in p.message for p in found)


def test_small_sets_are_not_judged_on_shares():
    assert not quality.question_problems(_modules([0] * 6), _locate, "modules")


def test_a_prompt_repeated_in_another_module_is_located():
    a = _Module("first", [_q("What is the PEG score?", ["1", "2", "3"], "2")])
    b = _Module("second", [_q("Other?", ["x", "y", "z"], "x"), _q("what is  the PEG score?", ["4", "5", "6"], "5")])
    found = quality.question_problems([a, b], _locate, "modules")
    assert [(p.path, p.line, p.field) for p in found] == [("modules/second.yaml", 11, "questions[1].prompt")]
    assert "already asked in module 'first'" in found[0].message


@pytest.mark.parametrize(
    ("choices", "answer", "message"),
    [
        (["Liver", "Lungs", "liver"], "Liver", "is repeated"),
        (["Liver", "Lungs", "Liver "], "Liver", "is repeated"),
        (["Liver", "Lungs", "Eyes"], "Heart", "is not among the choices"),
        (["Liver", "Lungs"], "Liver", "at least 3 items"),
    ],
)
def test_schema_rejects_bad_questions(choices, answer, message):
    with pytest.raises(ValidationError, match=message):
        _q("Which organ?", choices, answer)


def test_real_curriculum_keys_are_spread_and_uncued(real_catalog):
    questions = [q for m in real_catalog.modules.values() for q in m.questions]
    positions = Counter(q.choices.index(q.answer) for q in questions)
    assert max(positions.values()) / len(questions) <= quality.MAX_POSITION_SHARE, positions
    longest = sum(len(q.answer) > max(len(c) for c in q.choices if c != q.answer) for q in questions)
    assert longest / len(questions) <= quality.MAX_LONGEST_SHARE
    prompts = [" ".join(q.prompt.lower().split()) for q in questions]
    assert len(prompts) == len(set(prompts))


def test_every_output_shows_choices_in_file_order(real_built, real_client, real_catalog):
    """The balance is in the YAML; the quiz, the answer key, the handout and the API keep that order."""
    from painguide import publish, urls

    site = publish.current(real_built) / "site"
    for module in real_catalog.modules.values():
        page = (site / urls.module_page(module.id).replace(".md", ".html")).read_text(encoding="utf-8")
        keys = [int(k) for k in re.findall(r'data-answer="(\d)"', page)]
        assert keys == [q.choices.index(q.answer) for q in module.questions], module.id
        answers = (site / urls.module_page(module.id, "answers").replace(".md", ".html")).read_text(encoding="utf-8")
        letters = re.findall(r"Answer: ([A-F])\.", answers)
        assert letters == [LETTERS[q.choices.index(q.answer)] for q in module.questions], module.id
        api = real_client.get(f"/api/v1/modules/{module.id}").json()
        assert [q["choices"] for q in api["questions"]] == [q.choices for q in module.questions]
        raw = yaml.safe_load(real_catalog.paths[module.id].read_text(encoding="utf-8"))
        assert [q["choices"] for q in raw["questions"]] == [q.choices for q in module.questions]
