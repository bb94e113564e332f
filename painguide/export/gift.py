"""A module's knowledge check in Moodle's GIFT format, for question banks (Question bank > Import > GIFT).

One block per question: ``::title::`` then the prompt and ``{ =keyed answer#feedback ~other#feedback }``.
GIFT gives ``~ = # { } :`` and the backslash a meaning, so every one of them in our text is escaped.
"""

from __future__ import annotations

import re

from painguide.content.schema import Module
from painguide.export.qti import feedback

_SPECIAL = re.compile(r"([~=#{}:\\])")


def escape(text: str) -> str:
    r"""``text`` with GIFT's special characters backslash-escaped (``a:b`` -> ``a\:b``), on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def questions(module: Module) -> str:
    """The GIFT file (text) for ``module``: a category line, then one block per question."""
    blocks = [
        f"// PainGuide: {' '.join(module.title.split())}, knowledge check ({len(module.questions)} questions)",
        # Moodle reads a category line raw (no escapes) and "/" separates nested categories
        f"$CATEGORY: $course$/PainGuide/{' '.join(module.title.split()).replace('/', '-')}",
    ]
    for number, q in enumerate(module.questions, 1):
        lines = [f"::{escape(f'{module.title} {number:02d}')}::{escape(q.prompt)} {{"]
        for choice in q.choices:
            mark = "=" if choice == q.answer else "~"
            lines.append(f"\t{mark}{escape(choice)}#{escape(feedback(q, choice))}")
        lines.append("}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
