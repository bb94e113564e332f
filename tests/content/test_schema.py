from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from painguide.content.schema import DOCUMENT, MEASURABLE_VERBS, SourceRef, TreatmentEntry, json_schema
from tests.helpers import FIXTURE_CONTENT


@pytest.fixture
def treatment(fixture_catalog) -> dict:
    return fixture_catalog.entries["acetaminophen"].model_dump()


def test_round_trip(treatment):
    entry = DOCUMENT.validate_python(treatment)
    assert isinstance(entry, TreatmentEntry)
    assert entry.model_dump() == treatment


def test_source_ref_accepts_plain_id(treatment):
    # an entry may cite a source by its id alone or as {id, locator}
    treatment["sources"] = ["x-y", {"id": "cdc-opioid-guideline-2022", "locator": "Recommendation 8"}]
    entry = DOCUMENT.validate_python(treatment)
    assert entry.sources == [
        SourceRef(id="x-y"),
        SourceRef(id="cdc-opioid-guideline-2022", locator="Recommendation 8"),
    ]


def test_summary_is_one_or_two_sentences(treatment):
    treatment["summary"] = "One sentence here. Two sentences here. Three sentences here."
    with pytest.raises(ValidationError, match="1-2 sentences"):
        DOCUMENT.validate_python(treatment)


def test_audiences_must_match_layers(treatment):
    treatment["audiences"] = ["clinician", "trainer"]
    with pytest.raises(ValidationError, match="must list exactly the layers present"):
        DOCUMENT.validate_python(treatment)


def test_cannot_relate_to_itself(treatment):
    treatment["related"] = ["acetaminophen"]
    with pytest.raises(ValidationError, match="related to itself"):
        DOCUMENT.validate_python(treatment)


def test_patient_layer_required_for_treatments(treatment):
    treatment["patient"] = None
    treatment["audiences"] = ["clinician", "trainer"]
    with pytest.raises(ValidationError):
        DOCUMENT.validate_python(treatment)


def test_review_due_after_reviewed(treatment):
    treatment["review_due"] = treatment["reviewed"] - dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="review_due must be after reviewed"):
        DOCUMENT.validate_python(treatment)


@pytest.mark.parametrize("verb", ["Understand", "Know", "Learn", "Appreciate", "Be aware"])
def test_objectives_need_measurable_verbs(treatment, verb):
    treatment["trainer"]["learning_objectives"][0] = f"{verb} the main risks of this medicine"
    with pytest.raises(ValidationError, match="measurable verb"):
        DOCUMENT.validate_python(treatment)


def test_measurable_verbs_are_lowercase_words():
    assert all(v == v.lower() and " " not in v for v in MEASURABLE_VERBS)


def test_json_schema_covers_every_type():
    schema = json_schema()
    assert schema["discriminator"]["propertyName"] == "type"
    assert set(schema["discriminator"]["mapping"]) == {
        "component",
        "treatment",
        "barrier",
        "team-question",
        "data-element",
        "topic",
        "condition",
        "population",
        "module",
    }


def test_fixture_files_reference_the_schema():
    for path in FIXTURE_CONTENT.rglob("*.yaml"):
        if path.parent != FIXTURE_CONTENT:
            assert path.read_text().startswith("# yaml-language-server: $schema=../schema.json"), path
