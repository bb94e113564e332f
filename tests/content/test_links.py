"""Relative links in Markdown fields lead to pages the site has, from every page the text is shown on: a link to
a missing page is a located validation error, not a dead link in the build or a strict-mode MkDocs abort after
validate said all valid. And the page set validation checks against is exactly what the site generates."""

from __future__ import annotations

from pathlib import Path

import pytest

from painguide.content import pages
from painguide.content.validate import validate
from painguide.site.staging import pages as generated_pages
from painguide.site.widgets import Slots
from tests.helpers import FIXTURE_CONTENT, ROOT, copy_content

TOPIC = "topics/therapeutic-alliance.yaml"  # topics/therapeutic-alliance.md and patients/therapeutic-alliance.md
TOPIC_PATIENT = "  what_it_is: >-\n    "
ACETAMINOPHEN = "treatments/acetaminophen.yaml"  # treatments/medications/acetaminophen.md
EVIDENCE = "  evidence: >-\n    "
MODULE = "modules/fixture-basics.yaml"  # trainers/fixture-basics/index.md
VIGNETTE = "vignette:\n  title: A first visit\n  text: >-\n    "
TEAM = "team/team-purpose.yaml"  # support-team/team-purpose.md and tools/support-team-planner.md
WHY = "  why_it_matters: >-\n    "
GLOSSARY = "glossary.yaml"
DEFINITION = "  definition: A common pain"


def _problems(tmp_path: Path, rel: str, at: str, text: str) -> list[str]:
    root = copy_content(tmp_path)
    path = root / rel
    original = path.read_text(encoding="utf-8")
    assert at in original, at
    path.write_text(original.replace(at, at + text + " ", 1), encoding="utf-8")
    _, problems = validate(root)
    return [str(p).replace(str(root) + "/", "") for p in problems]


def test_the_page_set_is_what_the_site_generates_plus_docs():
    catalog, problems = validate(FIXTURE_CONTENT)
    assert not problems
    site = {path for path, _ in generated_pages(catalog, Slots()) if path.endswith(".md")}
    hand_written = {p.name for p in (ROOT / "docs").glob("*.md")}
    assert set(pages.HAND_WRITTEN) == hand_written, "docs/ changed: update painguide.content.pages.HAND_WRITTEN"
    assert pages.site_pages(catalog) == site | hand_written


DEAD = [
    # the two leftovers of the previous reviews: a raw-HTML dead link, and a Markdown one strict MkDocs rejects
    (
        "raw-html",
        ACETAMINOPHEN,
        EVIDENCE,
        '<a href="../no-such-entry.html">x</a>',
        f"{ACETAMINOPHEN}:64: clinician.evidence: the link '../no-such-entry.html' from "
        "treatments/medications/acetaminophen.md leads to treatments/no-such-entry.md, which is not a page",
    ),
    (
        "markdown",
        ACETAMINOPHEN,
        EVIDENCE,
        "[x](../../treatments/no-such-entry.md)",
        f"{ACETAMINOPHEN}:64: clinician.evidence: the link '../../treatments/no-such-entry.md' from "
        "treatments/medications/acetaminophen.md leads to treatments/no-such-entry.md, which is not a page",
    ),
    (
        "reference-definition",  # [x][ref] in one field and [ref]: … in another make the link only on the page
        ACETAMINOPHEN,
        EVIDENCE,
        "\n\n    [ref]: ../no-such-entry.md\n\n   ",
        f"{ACETAMINOPHEN}:64: clinician.evidence: the link '../no-such-entry.md' from",
    ),
    (
        "raw-html-md",  # MkDocs converts only Markdown links: a raw href to a .md page stays dead
        ACETAMINOPHEN,
        EVIDENCE,
        '<a href="opioids.md">x</a>',
        f"{ACETAMINOPHEN}:64: clinician.evidence: the HTML link 'opioids.md' is not converted",
    ),
    (
        "root-relative",
        ACETAMINOPHEN,
        EVIDENCE,
        "[x](/treatments/index.md)",
        f"{ACETAMINOPHEN}:64: clinician.evidence: the link '/treatments/index.md' starts at the site's root",
    ),
    (
        "outside-the-site",
        ACETAMINOPHEN,
        EVIDENCE,
        "[x](../../../etc/passwd)",
        f"{ACETAMINOPHEN}:64: clinician.evidence: the link '../../../etc/passwd' from",
    ),
    (
        "works-on-one-page-only",  # from treatments/medications/ it is the MME tool; from patients/ it leaves the site
        ACETAMINOPHEN,
        "  what_it_is: >-\n    ",
        "[x](../../tools/mme.md)",
        f"{ACETAMINOPHEN}:80: patient.what_it_is: the link '../../tools/mme.md' from patients/acetaminophen.md "
        "leads to ../tools/mme.md, which is not a page of the site (this text is shown on "
        "treatments/medications/acetaminophen.md, patients/acetaminophen.md)",
    ),
    (
        "planner",  # the guidance is also on tools/support-team-planner.md
        TEAM,
        WHY,
        "[x](team-purpose.md)",
        f"{TEAM}:26: team.why_it_matters: the link 'team-purpose.md' from tools/support-team-planner.md leads to "
        "tools/team-purpose.md, which is not a page of the site (this text is shown on "
        "support-team/team-purpose.md, tools/support-team-planner.md)",
    ),
    (
        "module",
        MODULE,
        VIGNETTE,
        "[x](../../tools/no-such-tool.md)",
        f"{MODULE}:48: vignette.text: the link '../../tools/no-such-tool.md' from trainers/fixture-basics/index.md",
    ),
    (
        "glossary",
        GLOSSARY,
        DEFINITION,
        "[x](treatments/no-such-entry.md)",
        f"{GLOSSARY}:4: terms[0].definition: the link 'treatments/no-such-entry.md' from glossary.md",
    ),
]


@pytest.mark.parametrize(("kind", "rel", "at", "text", "expected"), DEAD, ids=[d[0] for d in DEAD])
def test_a_link_to_a_missing_page_is_a_located_problem(tmp_path, kind, rel, at, text, expected):
    problems = _problems(tmp_path, rel, at, text)
    assert len(problems) == 1 and problems[0].startswith(expected), "\n".join(problems)


GOOD = [
    (ACETAMINOPHEN, EVIDENCE, "[x](opioids.md) [y](../index.md#medications) [z](../../tools/peg.html) [w](#top)"),
    (ACETAMINOPHEN, EVIDENCE, '<a href="opioids.html">x</a> [q](../../about.md) [e](https://example.org/x.md)'),
    (ACETAMINOPHEN, EVIDENCE, "[c](../medications/) [p](../../patients/acetaminophen.md) [s](../../sources.md#x)"),
    (TOPIC, TOPIC_PATIENT, "[x](../treatments/medications/acetaminophen.md) [g](../glossary.md)"),
    (TEAM, WHY, "[x](../tools/mme.md) [i](../support-team/index.md)"),
    (MODULE, VIGNETTE, "[h](handout.md) [a](answers.html) [p](../../tools/support-team-planner.md)"),
    (GLOSSARY, DEFINITION, "[x](treatments/medications/acetaminophen.md) [t](trainers/assign.md)"),
]


@pytest.mark.parametrize(("rel", "at", "text"), GOOD)
def test_links_to_pages_of_the_site_are_valid(tmp_path, rel, at, text):
    assert _problems(tmp_path, rel, at, text) == []
