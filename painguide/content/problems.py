"""What is wrong with the content, located as precisely as the YAML allows: ``file:line: field: message``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from painguide.content.characters import printable


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, located as precisely as the YAML allows."""

    path: str
    line: int | None
    field: str | None
    message: str

    def _key(self) -> tuple[str, int, str, str]:
        # a problem of a whole file (no line) sorts before its located ones; dataclass ordering compared
        # None with an int and raised TypeError out of `validate` (found by bench/hostile.py)
        return (self.path, -1 if self.line is None else self.line, self.field or "", self.message)

    def __lt__(self, other: Problem) -> bool:
        return self._key() < other._key()

    def __str__(self) -> str:
        # printable: file names and YAML keys are the author's text too (a newline in either once printed a
        # line of its own, e.g. a GitHub Actions `::error` command); values are already shown with repr
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return printable(f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}")


class ContentError(Exception):
    """Every problem of a content tree that failed to load."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} content problem(s):\n" + "\n".join(map(str, self.problems)))


def display_path(path: Path) -> str:
    """The path as an author reads it: relative to the working directory when it is below it.

    Only the directory is resolved: a linked file is named by its link (``topics/a.yaml``, not where it points),
    and a symlink loop (``a.yaml -> b.yaml -> a.yaml``) is shown rather than raised (RuntimeError in Python 3.11,
    OSError later). Control characters are escaped when a Problem is printed, not here: the name stays a key.
    """
    try:
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
    except (ValueError, RuntimeError, OSError):
        return str(path)


def field_path(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
