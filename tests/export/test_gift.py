"""GIFT: special characters escaped, one block per question, and a round trip through a small GIFT reader.

pygiftparser (PyPI 1.1) was tried and not adopted: it pins Markdown<3.1 through MarkdownSuperscript (the site
needs 3.6+), and it mis-reads escaped characters (``\\:`` in a title, ``\\{`` in an answer). The reader below
follows Moodle's grammar (question/format/gift/format.php) for the subset we write: ``::title::``, text, and
``{ =right#feedback ~wrong#feedback }``, with ``\\`` escaping ``~ = # { } :`` and itself.
"""

from __future__ import annotations

import re

import pytest

from painguide.export import gift
from painguide.export.qti import feedback

SPECIAL = "~=#{}:\\"


def _split(text, separators):
    """Split at unescaped separator characters; yields (separator before the part, part)."""
    parts, current, before, i = [], [], None, 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            current.append(text[i : i + 2])
            i += 2
            continue
        if c in separators:
            parts.append((before, "".join(current)))
            current, before = [], c
        else:
            current.append(c)
        i += 1
    parts.append((before, "".join(current)))
    return parts


def _unescape(text):
    return re.sub(r"\\(.)", r"\1", text).strip()


def read(source):
    """Questions as (title, prompt, [(right?, answer, feedback)]) and the category, per Moodle's rules."""
    questions, category = [], None
    for block in re.split(r"\n\s*\n", source.strip()):
        lines = [line for line in block.splitlines() if not line.lstrip().startswith("//")]
        if not lines:
            continue
        text = "\n".join(lines).strip()
        if text.startswith("$CATEGORY:"):
            category = text.removeprefix("$CATEGORY:").strip()
            continue
        assert text.startswith("::")
        head = _split(text[2:], "{}")
        assert [sep for sep, _ in head] == [None, "{", "}"] and not head[2][1].strip(), "one answer block"
        title_and_prompt = _split(head[0][1], ":")
        # "::title::prompt": the title ends at the first unescaped "::"
        assert title_and_prompt[1] == (":", "") and title_and_prompt[2][0] == ":"
        title, prompt = _unescape(title_and_prompt[0][1]), _unescape("".join(p for _, p in title_and_prompt[2:]))
        answers = []
        for sep, part in _split(head[1][1], "=~")[1:]:
            answer, *fb = [p for _, p in _split(part, "#")]
            answers.append((sep == "=", _unescape(answer), _unescape("".join(fb))))
        questions.append((title, prompt, answers))
    return category, questions


def test_escape_covers_every_special_character():
    assert gift.escape("a~b=c#d{e}f:g\\h") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h"
    assert gift.escape("two\n lines") == "two lines"


@pytest.mark.parametrize("catalog_name", ["fixture_catalog", "real_catalog"])
def test_round_trip_keys_every_answer_as_the_yaml(request, catalog_name):
    catalog = request.getfixturevalue(catalog_name)
    for module in catalog.modules.values():
        category, questions = read(gift.questions(module))
        assert category == f"$course$/PainGuide/{module.title.replace('/', '-')}"
        assert len(questions) == len(module.questions)
        for n, (question, (title, prompt, answers)) in enumerate(zip(module.questions, questions, strict=True), 1):
            assert title == f"{module.title} {n:02d}"
            assert prompt == question.prompt
            assert [a for _, a, _ in answers] == question.choices
            assert [a for right, a, _ in answers if right] == [question.answer]
            assert [fb for *_, fb in answers] == [feedback(question, c) for c in question.choices]


def test_text_full_of_special_characters_survives(fixture_catalog):
    module = fixture_catalog.modules["fixture-basics"]
    nasty = "Score {0-10}: pick = or ~ #1 \\ done"
    question = module.questions[0].model_copy(
        update={"prompt": nasty, "choices": [nasty, "b:c", "d#e"], "answer": nasty, "explanation": f"Why: {nasty}"}
    )
    hostile = module.model_copy(update={"title": "A: {title}", "questions": [question]})
    text = gift.questions(hostile)
    _, [(title, prompt, answers)] = read(text)
    assert title == "A: {title} 01" and prompt == nasty
    assert answers[0] == (True, nasty, f"Correct. Why: {nasty}")
    assert [a for _, a, _ in answers] == [nasty, "b:c", "d#e"]
    for line in text.splitlines()[2:]:  # no special character is left bare in a question's text
        body = re.sub(r"\\.", "", line.lstrip("\t"))
        if line.startswith("::"):
            assert body.count("::") == 2 and body.endswith("{")
        elif line.startswith("\t"):
            assert body[0] in "=~" and body.count("#") == 1 and not set(body[1:]) & set("~={}:")
