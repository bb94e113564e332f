"""The validator: every kind of broken tree gets a message naming file, line and field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from painguide.content.kinds import ENTRY_TYPES
from painguide.content.problems import ContentError
from painguide.content.validate import load, validate
from tests.helpers import FIXTURE_CONTENT, copy_content

ACET = "treatments/acetaminophen.yaml"
MODULE = "modules/fixture-basics.yaml"


def replace(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture no longer contains {old!r}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


def write(rel: str, content: bytes) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        (root / rel).write_bytes(content)

    return mutate


def copy_as(rel: str, new_rel: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        (root / new_rel).parent.mkdir(parents=True, exist_ok=True)
        (root / new_rel).write_bytes((root / rel).read_bytes())

    return mutate


# (kind, mutation, the exact start of the expected message: "file:line: field: message")
CASES: list[tuple[str, Callable[[Path], None], str]] = [
    (
        "yaml-syntax",
        replace(ACET, "audiences: [clinician, patient, trainer]", "audiences: [clinician, patient"),
        f"{ACET}:11: YAML syntax error",
    ),
    ("empty-file", write(ACET, b""), f"{ACET}: file is empty"),
    ("whitespace-only", write(ACET, b"   \n\n"), f"{ACET}: file is empty"),
    ("comment-only", write(ACET, b"# nothing here\n"), f"{ACET}: file is empty"),
    (
        "not-utf8",
        write(ACET, "id: acetaminophen\ntitle: caf\u00e9\n".encode("latin-1")),
        f"{ACET}:2: not valid UTF-8 (byte 0xe9)",
    ),
    ("not-a-mapping", write(ACET, b"- just\n- a list\n"), f"{ACET}:1: expected a mapping of fields"),
    (
        "missing-field",
        replace(ACET, "title: Acetaminophen\n", ""),
        f"{ACET}:2: title: required field is missing",
    ),
    (
        "wrong-type",
        replace(ACET, "audiences: [clinician, patient, trainer]", "audiences: everyone"),
        f"{ACET}:10: audiences: Input should be a valid list",
    ),
    (
        "invalid-date",
        replace(ACET, "reviewed: 2026-11-22", "reviewed: 2026-13-45"),
        f"{ACET}:29: reviewed: '2026-13-45' is not a valid date (write YYYY-MM-DD)",
    ),
    (
        "review-due-before",
        replace(ACET, "review_due: 2027-11-22", "review_due: 2020-01-01"),
        "review_due must be after reviewed",
    ),
    (
        "id-not-filename",
        replace(ACET, "id: acetaminophen", "id: paracetamol"),
        f"{ACET}:2: id: 'paracetamol' must equal the file name 'acetaminophen'",
    ),
    (
        "duplicate-id",
        copy_as(ACET, "extra/acetaminophen.yaml"),
        f"{ACET}:2: id: duplicate id 'acetaminophen' (also in ",
    ),
    (
        "unknown-component",
        replace(ACET, "component: medications", "component: astrology"),
        f"{ACET}:4: component: 'astrology' is not one of medications, restorative-therapies",
    ),
    (
        "unknown-type",
        replace(ACET, "type: treatment", "type: horoscope"),
        f"{ACET}:3: type: 'horoscope' is not one of ",
    ),
    ("unknown-field", replace(ACET, "tags: [", "tagz: [x]\ntags: ["), f"{ACET}:11: tagz: unknown field"),
    (
        "duplicate-key",
        replace(ACET, "tags: [", "title: Again\ntags: ["),
        f"{ACET}:11: title: key appears twice",
    ),
    (
        "related-unresolved",
        replace(ACET, "related: [medications, opioids]", "related: [medications, unicorns]"),
        f"{ACET}:22: related[1]: 'unicorns' is not an entry id",
    ),
    (
        "source-unresolved",
        replace(ACET, "  - seed-task-force-fast-facts", "  - made-up-study-2031"),
        f"{ACET}:26: sources[0]: 'made-up-study-2031' is not a source in sources.yaml",
    ),
    (
        "script-tag",
        replace(ACET, "title: Acetaminophen", "title: Acetaminophen <script>alert(1)</script>"),
        f"{ACET}:5: title: '<' and '>' are not allowed in plain text",
    ),
    (
        "event-handler",
        replace(ACET, "  - Tylenol\n", "  - <img src=x onerror=alert(1)>\n"),
        f"{ACET}:13: aliases[0]: '<' and '>' are not allowed in plain text",
    ),
    (
        "markdown-event-handler",
        replace(ACET, "  what_it_is: >-\n", "  what_it_is: >-\n    <svg/onload=alert(1)>\n"),
        f"{ACET}:80: patient.what_it_is: raw HTML <svg> is not allowed in content",
    ),
    (
        "javascript-url",
        replace(ACET, "  what_it_is: >-\n", "  what_it_is: >-\n    [click](jav&#x61;script:alert(1))\n"),
        f"{ACET}:80: patient.what_it_is: the link target 'javascript:alert(1)' is not allowed",
    ),
    (
        "newline-in-title",
        replace(ACET, "title: Acetaminophen", 'title: "Acetaminophen\\n\\n!!! danger \\"Stop all pain medicines\\""'),
        f"{ACET}:5: title: must be a single line",
    ),
    (
        "python-tag",
        replace(ACET, "title: Acetaminophen", "title: !!python/object/apply:os.system ['touch /tmp/pwned']"),
        f"{ACET}:5: YAML syntax error: YAML tag '!!python/object/apply:os.system' is not allowed",
    ),
    (
        "unmeasurable-objective",
        replace(
            "treatments/opioids.yaml",
            "learning_objectives:\n    - ",
            "learning_objectives:\n    - Understand that ",
        ),
        "an objective starts with a measurable verb",
    ),
    (
        "lesson-unresolved",
        replace(MODULE, "entry: medications\n", "entry: astrology\n"),
        f"{MODULE}:14: lessons[0].entry: 'astrology' is not an entry id",
    ),
    (
        "answer-not-a-choice",
        replace(MODULE, "answer: Liver", "answer: Heart"),
        f"{MODULE}:21: questions[0]: answer 'Heart' is not among the choices",
    ),
    (
        "prerequisite-unresolved",
        replace(MODULE, "level: introductory", "prerequisites: [nowhere]\nlevel: introductory"),
        f"{MODULE}:7: prerequisites[0]: 'nowhere' is not a module id",
    ),
    ("missing-sources-file", lambda root: (root / "sources.yaml").unlink(), "sources.yaml: file is missing"),
]


@pytest.mark.parametrize(("kind", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_error_kind_is_reported_with_file_line_and_field(tmp_path, kind, mutate, expected):
    root = copy_content(tmp_path)
    mutate(root)
    _, problems = validate(root)
    messages = [str(p).replace(str(root) + "/", "") for p in problems]
    assert any(m.startswith(expected) or expected in m for m in messages), "\n".join(messages)


def test_prerequisite_cycle_names_the_files(tmp_path):
    root = copy_content(tmp_path)
    replace(MODULE, "level: introductory", "prerequisites: [fixture-advanced]\nlevel: introductory")(root)
    text = (root / MODULE).read_text().replace("id: fixture-basics", "id: fixture-advanced")
    text = text.replace("prerequisites: [fixture-advanced]", "prerequisites: [fixture-basics]")
    (root / "modules/fixture-advanced.yaml").write_text(text)
    _, problems = validate(root)
    cycle = [str(p) for p in problems if "cycle" in p.message]
    assert cycle == [
        f"{root}/modules/fixture-advanced.yaml:7: prerequisites: "
        "prerequisite cycle: fixture-advanced -> fixture-basics -> fixture-advanced"
    ]


def test_all_errors_are_reported_not_just_the_first(tmp_path):
    root = copy_content(tmp_path)
    replace(ACET, "component: medications", "component: astrology")(root)
    replace("barriers/stigma.yaml", "reviewed: 2026-11-22", "reviewed: yesterday")(root)
    (root / "topics/therapeutic-alliance.yaml").write_bytes(b"")
    _, problems = validate(root)
    files = {Path(p.path).name for p in problems}
    assert {"acetaminophen.yaml", "stigma.yaml", "therapeutic-alliance.yaml"} <= files


def test_python_tag_is_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    root = copy_content(tmp_path)
    replace(ACET, "title: Acetaminophen", f"title: !!python/object/apply:os.system ['touch {marker}']")(root)
    validate(root)
    assert not marker.exists()


def test_fixture_tree_is_valid(fixture_catalog):
    assert len(fixture_catalog.entries) == 14
    assert set(fixture_catalog.modules) == {"fixture-basics"}
    types = {e.type for e in fixture_catalog.entries.values()}
    assert types == set(ENTRY_TYPES)  # the fixture has an entry of every kind


def test_load_raises_content_error_listing_problems(tmp_path):
    root = copy_content(tmp_path)
    (root / ACET).write_bytes(b"")
    with pytest.raises(ContentError) as info:
        load(root)
    assert "acetaminophen.yaml: file is empty" in str(info.value)


def test_missing_directory():
    _, problems = validate(FIXTURE_CONTENT / "nope")
    assert [p.message for p in problems] == ["content directory not found"]
