"""requirements-min.txt is pyproject.toml's lower bounds: each direct dependency pinned at exactly the version its
bound names, so `make test-min` tests the bounds we publish, not some newer set (F10: `starlette>=0.40` was
written while serve/app.py needed 1.5)."""

from __future__ import annotations

import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.helpers import ROOT


def _direct() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["dev"]]]


def _pins() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "requirements-min.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = Version(version)
    return pins


def test_every_dependency_has_a_lower_and_an_upper_bound():
    for req in _direct():
        ops = {s.operator for s in req.specifier}
        assert ops in ({">=", "<"}, {"=="}), f"{req}: a lower and an upper bound, or an exact pin"


def test_requirements_min_pins_each_direct_dependency_at_its_lower_bound():
    pins = _pins()
    for req in _direct():
        lower = next(Version(s.version) for s in req.specifier if s.operator in {">=", "=="})
        assert pins.get(canonicalize_name(req.name)) == lower, (
            f"{req}: requirements-min.txt has {pins.get(canonicalize_name(req.name))}; raise the bound to the lowest "
            "version that resolves and works, or regenerate the file (its header says how)"
        )
