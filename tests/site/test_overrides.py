"""overrides/main.html copies two of Material's template blocks (site_meta, config) to change a few lines; this
fails when the installed Material changes either block, so the copies are brought up to date, not left behind
(architecture review 2, F3)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import material
import pytest

from tests.helpers import ROOT

# sha256 of each block's text in mkdocs-material 9.8.2's templates/base.html
COPIED = {
    "site_meta": "337bd3b09eec21c53b93b992683ea5b3eaaf732d416d447fbbef7a0c98775ffd",
    "config": "7e39d18735bd35176f3df2efe5065fa0bc41a5d8ea8fa9ac16572971fa15f2eb",
}


def _block(template: str, name: str) -> str:
    match = re.search(r"\{% block " + name + r" %\}(.*?)\{% endblock %\}", template, re.DOTALL)
    assert match, f"Material's base.html has no {name} block any more"
    return match.group(1)


@pytest.mark.parametrize("name", sorted(COPIED))
def test_materials_copied_blocks_are_unchanged(name):
    base = (Path(material.__file__).parent / "templates" / "base.html").read_text(encoding="utf-8")
    digest = hashlib.sha256(_block(base, name).encode()).hexdigest()
    assert digest == COPIED[name], (
        f"Material's {name} block changed: compare it with overrides/main.html's copy, update the copy, "
        "then record the new hash here"
    )


def test_the_override_writes_the_settings_in_head_and_the_csp_placeholder():
    override = (ROOT / "overrides" / "main.html").read_text(encoding="utf-8")
    assert "{% block config %}{% endblock %}" in override  # not at the end of <body> any more
    assert 'id="__config"' in _block(override, "extrahead")
    assert 'http-equiv="Content-Security-Policy" content="PAINGUIDE-CSP"' in _block(override, "site_meta")
