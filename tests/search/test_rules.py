"""The ranking rules the search code states as rules, each with a test that names it (fixture corpus).

* "A patient's search scores names, the summary and the patient layer only" (index.py, ``_search``;
  analysis.PATIENT_SEARCH_FIELDS): the clinician and trainer layers are not written for patients.
* "Question words carry no topic" (analysis.STOP_WORDS): a question ranks as its topic words alone, but for
  the one deliberate exception, a page whose own name holds the question word (plan.py's QUESTION_BOOST:
  "who should be on the team?").
"""

from __future__ import annotations

import pytest

from painguide import search
from painguide.search.analysis import stems

# Words of acetaminophen's clinician layer that no title, alias, summary or patient layer holds.
CLINICIAN_ONLY = ["malnutrition", "intravenously", "unintentional", "inexpensive"]


def _search(client, q: str, **params: str) -> dict:
    res = client.get("/api/v1/search", params={"q": q, "limit": 50, **params})
    assert res.status_code == 200, res.text
    return res.json()


@pytest.mark.parametrize("word", CLINICIAN_ONLY)
def test_a_patient_search_does_not_score_the_clinician_layer(client, fixture_catalog, word: str):
    documents = list(search.catalog_documents(fixture_catalog))
    patient_fields = ("title", "aliases", "summary", "patient")
    (term,) = stems(search.normalize(word))
    seen_by_patients = {t for d in documents for f in patient_fields for t in stems(search.normalize(d[f]))}
    acetaminophen = next(d for d in documents if d["id"] == "acetaminophen")
    assert term not in seen_by_patients and word in search.normalize(acetaminophen["clinician"]), word
    assert "patient" in acetaminophen["audience"].split(",")
    # found by everyone else ...
    assert [h["id"] for h in _search(client, word)["results"]] == ["acetaminophen"]
    assert [h["id"] for h in _search(client, word, audience="clinician")["results"]] == ["acetaminophen"]
    # ... and by no patient: the page is for patients too, but that word is not in its patient layer
    found = _search(client, word, audience="patient")
    assert (found["total"], found["results"]) == (0, [])


# (a question, its topic words): the added words are question words (analysis.STOP_WORDS)
QUESTIONS = [
    ("what is acetaminophen", "acetaminophen"),
    ("how do I taper opioids", "taper opioids"),
    ("can yoga help my back pain", "yoga back pain"),
    ("should I get a nerve block", "nerve block"),
    ("who can help with sleep", "sleep"),
    ("why does my knee hurt", "knee hurt"),
    ("what about pain medicines", "pain medicines"),
]


@pytest.mark.parametrize(("question", "topic"), QUESTIONS)
def test_question_words_carry_no_topic(client, fixture_catalog, question: str, topic: str):
    added = set(question.lower().split()) - set(topic.split())
    # the exception: pages one of whose names holds a word of the question (plan.py's QUESTION_BOOST)
    named = {
        d["id"]
        for d in search.catalog_documents(fixture_catalog)
        if added & set(search.normalize(f"{d['title']} {d['aliases']}").split())
    }

    def ranked(q: str) -> list[tuple[str, float]]:
        return [(h["id"], h["score"]) for h in _search(client, q)["results"] if h["id"] not in named]

    assert ranked(topic), topic
    assert ranked(question) == ranked(topic)
