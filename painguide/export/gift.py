"""A module's knowledge check in Moodle's GIFT format, for question banks (Question bank > Import > GIFT).

One block per question: ``::title::`` then the prompt and ``{ =keyed answer#feedback ~other#feedback }``.
GIFT gives ``~ = # { } :`` and the backslash a meaning, so every one of them in our text is escaped.

Two more things mean something only at the start of a text, and GIFT has no escape for them (Moodle keeps
``\\%`` and ``\\[`` with their backslash, as literal text): ``%50%`` before a choice is a weight (Moodle's
``^%\\-*([0-9]{1,2})\\.?([0-9]*)%``: a wrong answer "%50% 4" would earn half marks), and ``[html]``,
``[markdown]``, ``[plain]`` or ``[moodle]`` before a prompt, choice or feedback is its text format. A text
that starts with ``%`` or ``[`` is therefore written after an explicit ``[moodle]``, the format Moodle gives
unmarked text anyway: Moodle (``question/format/gift/format.php``) checks for a weight before it reads the
format, then strips one marker only, and gift-pegjs reads the same; both give back the text exactly
(tests/export/test_gift.py runs gift-pegjs on it).
"""

from __future__ import annotations

import re

from painguide.content.schema import Module
from painguide.export import xmltext
from painguide.export.qti import feedback

_SPECIAL = re.compile(r"([~=#{}:\\])")
FORMAT = "[moodle]"


def escape(text: str) -> str:
    r"""``text`` with GIFT's special characters backslash-escaped (``a:b`` -> ``a\:b``), on one line."""
    # xmltext.clean: Moodle keeps questions in its XML backups, where U+FFFE and the like break the file
    return _SPECIAL.sub(r"\\\1", " ".join(xmltext.clean(text).split()))


def text(value: str) -> str:
    """A prompt, choice or feedback: escaped, and a leading weight or format marker made literal text."""
    escaped = escape(value)
    return FORMAT + escaped if escaped.startswith(("%", "[")) else escaped


def questions(module: Module) -> str:
    """The GIFT file (text) for ``module``: a category line, then one block per question."""
    title = " ".join(xmltext.clean(module.title).split())
    blocks = [
        f"// PainGuide: {title}, knowledge check ({len(module.questions)} questions)",
        # Moodle reads a category line raw (no escapes) and "/" separates nested categories
        f"$CATEGORY: $course$/PainGuide/{title.replace('/', '-')}",
    ]
    for number, q in enumerate(module.questions, 1):
        lines = [f"::{escape(f'{module.title} {number:02d}')}::{text(q.prompt)} {{"]
        for choice in q.choices:
            mark = "=" if choice == q.answer else "~"
            lines.append(f"\t{mark}{text(choice)}#{text(feedback(q, choice))}")
        lines.append("}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
