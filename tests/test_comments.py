"""Every ``painguide.*`` name in a comment or docstring names something that exists, so a move or a rename
cannot leave readers following a stale pointer (architecture review 2, F13: six such names had survived the
restructure)."""

from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path

from tests.helpers import ROOT

_NAME = re.compile(r"\bpainguide(?:\.[A-Za-z_]\w*)+")
# Dotted words that are not Python: file names, hosts, storage keys.
_NOT_PYTHON = re.compile(r"\.(js|org|com|v\d+|yaml|json)\b|painguide\.planner\.|painguide\.example")


def _resolves(name: str) -> bool:
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        module = ".".join(parts[:cut])
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if found:
            target: object = importlib.import_module(module)
            for attribute in parts[cut:]:
                if not hasattr(target, attribute):
                    return False
                target = getattr(target, attribute)
            return True
    return False


def test_every_dotted_painguide_name_resolves():
    files = [*sorted((ROOT / "painguide").rglob("*.py")), *sorted((ROOT / "tests").rglob("*.py"))]
    files += [ROOT / "overrides" / "main.html"]
    stale = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in _NAME.finditer(line):
                tail = line[match.start() : match.end() + 8]
                if _NOT_PYTHON.search(tail) or _resolves(match.group(0)):
                    continue
                stale.append(f"{Path(path).relative_to(ROOT)}:{number}: {match.group(0)}")
    assert not stale, "names that do not resolve:\n" + "\n".join(stale)
