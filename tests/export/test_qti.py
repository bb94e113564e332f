"""The knowledge check as QTI 1.2 (CC 1.1 profile): valid, and keyed exactly as the YAML is."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from painguide.export import qti
from tests.export.cc import QTI, keyed_answers, qti_schema, xsd_errors


def _catalog(request, name):
    return request.getfixturevalue(name)


@pytest.mark.parametrize("catalog_name", ["fixture_catalog", "real_catalog"])
def test_every_exported_question_keys_the_same_answer_as_the_yaml(request, catalog_name):
    catalog = _catalog(request, catalog_name)
    for module in catalog.modules.values():
        data = qti.assessment(module, f"R_check_{module.id}")
        assert xsd_errors(qti_schema(), data) == []
        exported = keyed_answers(data)
        assert [(q.prompt, q.answer, q.choices) for q in module.questions] == exported, module.id


def test_assessment_and_items_carry_the_cc_profiles_and_each_choice_its_feedback(fixture_catalog):
    module = fixture_catalog.modules["fixture-basics"]
    root = ET.fromstring(qti.assessment(module, "R_check"))
    test = root.find(f"{QTI}assessment")
    fields = {
        f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry")
        for f in test.findall(f"{QTI}qtimetadata/{QTI}qtimetadatafield")
    }
    assert fields["cc_profile"] == "cc.exam.v0p1"
    assert fields["qmd_assessmenttype"] == "Examination"
    assert fields["qmd_scoretype"] == "Percentage"
    items = list(root.iter(f"{QTI}item"))
    assert len(items) == len(module.questions)
    for item, question in zip(items, module.questions, strict=True):
        assert item.find(f".//{QTI}itemmetadata//{QTI}fieldentry").text == "cc.multiple_choice.v0p1"
        assert item.find(f".//{QTI}response_lid").get("rcardinality") == "Single"
        feedback = {f.get("ident"): f.findtext(f".//{QTI}mattext") for f in item.findall(f"{QTI}itemfeedback")}
        shown = [d.get("linkrefid") for d in item.iter(f"{QTI}displayfeedback")]
        assert sorted(shown) == sorted(feedback) and len(shown) == len(question.choices)
        for i, choice in enumerate(question.choices):
            text = feedback[f"{qti.choice_ident(item.get('ident'), i)}_fb"]
            assert question.explanation in text
            assert text.startswith("Correct.") == (choice == question.answer)


def test_markup_like_text_stays_text(fixture_catalog):
    module = fixture_catalog.modules["fixture-basics"]
    question = module.questions[0].model_copy(update={"prompt": 'Is 3 & 4 "over" 2 ]]> or not?'})
    hostile = module.model_copy(update={"questions": [question, *module.questions[1:]]})
    data = qti.assessment(hostile, "R_check")
    assert xsd_errors(qti_schema(), data) == []
    assert keyed_answers(data)[0][0] == 'Is 3 & 4 "over" 2 ]]> or not?'


def test_the_qti_check_rejects_a_broken_item(fixture_catalog):
    data = qti.assessment(fixture_catalog.modules["fixture-basics"], "R_check")
    assert xsd_errors(qti_schema(), data.replace(b'rcardinality="Single"', b'rcardinality="Some"', 1))
    assert xsd_errors(qti_schema(), data.replace(b"resprocessing>", b"resprocesing>"))
