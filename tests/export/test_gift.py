"""GIFT: special characters escaped, one block per question, and round trips through two GIFT readers.

pygiftparser (PyPI 1.1) was tried and not adopted: it pins Markdown<3.1 through MarkdownSuperscript (the site
needs 3.6+), and it mis-reads escaped characters (``\\:`` in a title, ``\\{`` in an answer). The reader below
follows Moodle's grammar (question/format/gift/format.php) for the subset we write: ``::title::``, text, and
``{ =right#feedback ~wrong#feedback }``, with ``\\`` escaping ``~ = # { } :`` and itself, a wrong answer's
leading ``%n%`` weight and each text's leading ``[format]`` marker. The second reader is gift-pegjs (npm,
a devDependency), run with Node on tests/export/gift_reader.js.
"""

from __future__ import annotations

import json
import re
import subprocess
from types import SimpleNamespace

import pytest

from painguide.export import gift
from painguide.export.qti import feedback
from tests.helpers import ROOT

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


# Moodle's readquestion(): a wrong answer's weight, then parse_text_with_format() strips one known marker.
_WEIGHT = re.compile(r"^%\-*([0-9]{1,2})\.?([0-9]*)%")
_FORMATS = ("moodle", "html", "plain", "markdown")


def _weighed(answer):
    """(weight or None, the rest) as Moodle reads a ``~`` answer."""
    answer = answer.strip()
    if not _WEIGHT.match(answer):
        return None, answer
    value, rest = answer[1:].split("%", 1)
    return float(value) / 100, rest


def _formatted(text):
    """(format, text) as Moodle's parse_text_with_format reads it; unmarked text is "moodle"."""
    text = text.strip()
    if text.startswith("["):
        end = text.find("]")  # PHP: strpos() is false without "]", and substr(1, false - 1) drops the last byte
        name, rest = (text[1:end], text[end + 1 :]) if end >= 0 else (text[1:-1], text[1:])
        if name in _FORMATS:
            return name, _unescape(rest)
    return "moodle", _unescape(text)


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
        title = _unescape(title_and_prompt[0][1])
        prompt_format, prompt = _formatted("".join(p for _, p in title_and_prompt[2:]))
        assert prompt_format == "moodle", f"the prompt would be read as {prompt_format}"
        answers = []
        for sep, part in _split(head[1][1], "=~")[1:]:
            answer, *fb = [p for _, p in _split(part, "#")]
            weight, answer = _weighed(answer) if sep == "~" else (None, answer)
            assert weight is None, f"{answer!r} would earn {weight:.0%}"
            (answer_format, answer), (feedback_format, fb_text) = _formatted(answer), _formatted("#".join(fb))
            assert answer_format == feedback_format == "moodle", f"{answer!r} would be read as another format"
            answers.append((sep == "=", answer, fb_text))
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


# Texts that mean something to GIFT at their start: weights (Moodle's regex and gift-pegjs's), format markers,
# things that look like them, and the escapes (Moodle keeps "\\%" and "\\[" with the backslash).
HOSTILE = [
    *("%50% 4", "%100%x", "%-25%y", "%5.5% z", "%", "%%", "50%", "%50%"),
    *("[markdown]**b** [x](javascript:alert(1))", "[html]&lt;b&gt;x", "[moodle]m", "[plain]p", "[MARKDOWN]u"),
    *("[Case 1] c", "[]", "[", "[markdown", "\\%50% 4", "\\[html]x", "  %10% spaced", "~%50%=x#y"),
]


def _hostile_module():
    questions = []
    for i, h in enumerate(HOSTILE):
        questions.append(SimpleNamespace(prompt=h, choices=[h, f"right {i}"], answer=f"right {i}", explanation=h))
        questions.append(SimpleNamespace(prompt=f"[html]{h}", choices=["wrong", h], answer=h, explanation=h))
    return SimpleNamespace(title="Hostile [markdown] %50%", questions=questions)


def _gift_pegjs(source):
    reader = ROOT / "tests" / "export" / "gift_reader.js"
    done = subprocess.run(["node", str(reader)], input=source, capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(done.stdout)


def test_leading_weights_and_format_markers_are_read_as_text_by_moodles_rules():
    """A wrong choice "%50% 4" once earned half marks in Moodle; "[markdown]" switched a prompt's format."""
    module = _hostile_module()
    _, questions = read(gift.questions(module))  # asserts no weight and no format other than Moodle's default
    for question, (_, prompt, answers) in zip(module.questions, questions, strict=True):
        assert prompt == " ".join(question.prompt.split())
        assert [a for _, a, _ in answers] == [" ".join(c.split()) for c in question.choices]
        assert [a for right, a, _ in answers if right] == [" ".join(question.answer.split())]
        assert [fb for *_, fb in answers] == [" ".join(feedback(question, c).split()) for c in question.choices]


def test_gift_pegjs_reads_back_every_text_and_weight():
    module = _hostile_module()
    parsed = _gift_pegjs(gift.questions(module))
    assert len(parsed) == len(module.questions)
    for n, (question, got) in enumerate(zip(module.questions, parsed, strict=True), 1):
        assert got["type"] == "MC" and got["title"] == f"{module.title} {n:02d}"
        assert (got["stem"], got["format"]) == (" ".join(question.prompt.split()), "moodle")
        assert [c["text"] for c in got["choices"]] == [" ".join(c.split()) for c in question.choices]
        assert [c["weight"] for c in got["choices"]] == [None] * len(question.choices)
        assert [c["correct"] for c in got["choices"]] == [c == question.answer for c in question.choices]
        assert {c["format"] for c in got["choices"]} | {c["feedbackFormat"] for c in got["choices"]} == {"moodle"}
        assert [c["feedback"] for c in got["choices"]] == [
            " ".join(feedback(question, c).split()) for c in question.choices
        ]


@pytest.mark.parametrize("catalog_name", ["fixture_catalog", "real_catalog"])
def test_gift_pegjs_reads_every_module_as_the_yaml(request, catalog_name):
    catalog = request.getfixturevalue(catalog_name)
    for module in catalog.modules.values():
        parsed = _gift_pegjs(gift.questions(module))
        for question, got in zip(module.questions, parsed, strict=True):
            assert got["stem"] == question.prompt
            assert [c["text"] for c in got["choices"]] == question.choices
            assert [c["text"] for c in got["choices"] if c["correct"]] == [question.answer]
            assert all(c["weight"] is None for c in got["choices"])


def test_an_unmarked_text_is_written_as_before():
    assert gift.text("Pain 6: which?") == "Pain 6\\: which?"
    assert gift.text("%50% 4") == "[moodle]%50% 4" and gift.text("[html]x") == "[moodle][html]x"
    assert gift.text("\ufffe[x\uffff") == "[moodle][x"
