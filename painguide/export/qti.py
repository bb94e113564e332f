"""A module's knowledge check as a QTI 1.2 assessment in the Common Cartridge 1.1 profile.

One ``cc.exam.v0p1`` assessment, one ``cc.multiple_choice.v0p1`` item per question: the keyed answer sets
SCORE to 100, and every choice shows feedback built from the question's explanation (the keyed one says so).
The item XML is small and fixed, so it is written with ElementTree rather than a QTI library.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from painguide.content.kinds import LETTERS
from painguide.content.schema import Module, Question
from painguide.export import xmltext

NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{NS} http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_qtiasiv1p2p1_v1p0.xsd"
EXAM = "cc.exam.v0p1"
MULTIPLE_CHOICE = "cc.multiple_choice.v0p1"
# Formative: learners may retake a knowledge check (Canvas and Moodle read "unlimited").
MAX_ATTEMPTS = "unlimited"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)  # plain names under a literal default xmlns (see cartridge)
    if text is not None:
        element.text = text
    return element


def _metadata(parent: ET.Element, fields: list[tuple[str, str]]) -> None:
    metadata = _sub(parent, "qtimetadata")
    for label, entry in fields:
        pair = _sub(metadata, "qtimetadatafield")
        _sub(pair, "fieldlabel", label)
        _sub(pair, "fieldentry", entry)


def _material(parent: ET.Element, text: str) -> None:
    _sub(_sub(parent, "material"), "mattext", text, texttype="text/plain")


def choice_ident(item: str, index: int) -> str:
    return f"{item}_{LETTERS[index]}"


def feedback(question: Question, choice: str) -> str:
    """What a learner reads after choosing ``choice``: whether it is the keyed answer, then the explanation."""
    if choice == question.answer:
        return f"Correct. {question.explanation}"
    return f"Not this one: the best answer is “{question.answer}”. {question.explanation}"


def _item(section: ET.Element, ident: str, number: int, question: Question) -> None:
    item = _sub(section, "item", ident=ident, title=f"Question {number}")
    _metadata(_sub(item, "itemmetadata"), [("cc_profile", MULTIPLE_CHOICE), ("cc_weighting", "1")])
    presentation = _sub(item, "presentation")
    _material(presentation, question.prompt)
    response = _sub(presentation, "response_lid", ident="response1", rcardinality="Single")
    choices = _sub(response, "render_choice")
    for i, choice in enumerate(question.choices):
        _material(_sub(choices, "response_label", ident=choice_ident(ident, i)), choice)
    processing = _sub(item, "resprocessing")
    _sub(_sub(processing, "outcomes"), "decvar", varname="SCORE", vartype="Decimal", minvalue="0", maxvalue="100")
    for i, choice in enumerate(question.choices):
        keyed = choice == question.answer
        condition = _sub(processing, "respcondition", title="Correct" if keyed else "Incorrect", **{"continue": "No"})
        _sub(_sub(condition, "conditionvar"), "varequal", choice_ident(ident, i), respident="response1")
        if keyed:
            _sub(condition, "setvar", "100", varname="SCORE", action="Set")
        _sub(condition, "displayfeedback", feedbacktype="Response", linkrefid=f"{choice_ident(ident, i)}_fb")
    for i, choice in enumerate(question.choices):
        _material(
            _sub(_sub(item, "itemfeedback", ident=f"{choice_ident(ident, i)}_fb"), "flow_mat"),
            feedback(question, choice),
        )


def item_ident(prefix: str, number: int) -> str:
    return f"{prefix}_Q{number:02d}"


def assessment(module: Module, ident: str) -> bytes:
    """The QTI document (UTF-8 bytes with an XML declaration) for ``module``'s knowledge check."""
    root = ET.Element("questestinterop", {"xmlns": NS, "xmlns:xsi": XSI, "xsi:schemaLocation": SCHEMA_LOCATION})
    test = _sub(root, "assessment", ident=ident, title=f"{module.title}: knowledge check")
    _metadata(
        test,
        [
            ("cc_profile", EXAM),
            ("qmd_assessmenttype", "Examination"),
            ("qmd_scoretype", "Percentage"),
            ("cc_maxattempts", MAX_ATTEMPTS),
        ],
    )
    section = _sub(test, "section", ident=f"{ident}_S")
    for number, question in enumerate(module.questions, 1):
        _item(section, item_ident(ident, number), number, question)
    ET.indent(root)
    return xmltext.document(root)
