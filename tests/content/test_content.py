"""The real corpus (guidelines/): complete, cited, readable, kind, current, and in our own words."""
# ruff: noqa: RUF001  (en dashes and curly quotes are the real characters in the content)

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from painguide.content import language
from painguide.content.kinds import ENTRY_TYPES, KINDS
from painguide.content.readability import MAX_GRADE, MAX_MEDIAN_GRADE, MIN_WORDS, measure, median_grade
from tests.helpers import ROOT

TREATMENTS = {
    "medications": "acetaminophen nsaids antidepressants anticonvulsants musculoskeletal-agents topical-analgesics "
    "biologics opioids abuse-deterrent-opioids opioid-tapering naloxone medications-for-opioid-use-disorder "
    "buprenorphine-for-pain",
    "restorative-therapies": "physical-therapy occupational-therapy therapeutic-exercise physical-modalities "
    "aquatic-therapy",
    "interventional-procedures": "epidural-steroid-injections nerve-blocks joint-injections radiofrequency-ablation "
    "neuromodulation intrathecal-drug-delivery trigger-point-injections vertebral-augmentation",
    "behavioral-health": "cognitive-behavioral-therapy acceptance-and-commitment-therapy "
    "mindfulness-based-stress-reduction biofeedback hypnotherapy relaxation-training "
    "pain-and-mental-health pain-neuroscience-education emotional-awareness-and-expression-therapy",
    "complementary-integrative-health": "acupuncture massage-therapy spinal-manipulation yoga tai-chi-and-qigong "
    "spiritual-care",
}
IDS = {
    "component": list(TREATMENTS),
    "barrier": [
        "provider-scarcity",
        "knowledge-gaps",
        "stigma",
        "insurance-coverage",
        "fee-for-service-incentives",
        "business-case-data",
        "rural-and-underserved-access",
        "quality-measures",
        "workforce-training",
        "public-awareness",
    ],
    "team-question": [
        "team-purpose",
        "team-activities",
        "team-membership",
        "team-timing",
        "team-data",
        "team-communication",
        "team-authority",
        "team-additional-roles",
    ],
    "data-element": [
        "diagnosis",
        "morphine-equivalent-dose",
        "opioid-sedative-coprescription",
        "patient-agreement",
        "peg-score",
        "opioid-risk-tool",
        "pdmp-check",
        "urine-drug-test",
        "phq-depression-screen",
        "appointment-tracking",
    ],
    "topic": [
        "patient-centered-pain-care",
        "therapeutic-alliance",
        "integrated-pain-management-programs",
        "interdisciplinary-pain-rehabilitation-programs",
        "comprehensive-integrative-pain-management-policy",
        "pain-research-and-guidelines",
        "telehealth-for-pain-care",
        "acute-and-perioperative-pain",
        "safe-storage-and-disposal",
        "overdose-prevention-and-harm-reduction",
        "trauma-informed-care",
        "sleep-and-pain",
        "cannabis-and-supplements",
        "when-opioid-doses-change",
        "caregivers-and-family",
    ],
    "condition": [
        "chronic-low-back-pain",
        "osteoarthritis-pain",
        "fibromyalgia",
        "neuropathic-pain",
        "migraine-and-headache",
        "complex-regional-pain-syndrome",
        "chronic-pelvic-pain",
    ],
    "population": [
        "pregnancy-and-postpartum",
        "older-adults",
        "children-and-adolescents",
        "sickle-cell-disease",
        "military-and-veterans",
        "racial-and-ethnic-minority-groups",
        "chronic-relapsing-pain-conditions",
    ],
}
# The entries the coverage issue added: their modules teach them and their links go both ways.
NEW_TREATMENTS = [
    "buprenorphine-for-pain",
    "aquatic-therapy",
    "intrathecal-drug-delivery",
    "trigger-point-injections",
    "vertebral-augmentation",
    "pain-neuroscience-education",
    "emotional-awareness-and-expression-therapy",
    "spiritual-care",
]
NEW = {*IDS["condition"], *IDS["population"], *IDS["topic"][7:], *NEW_TREATMENTS}
MODULES = [
    "acute-and-perioperative-pain-care",
    "special-populations-in-pain-care",
    "common-chronic-pain-conditions",
]
SEEDS = ROOT.parent / "shared" / "seeds"
# Proper names may be repeated word for word; everything else is in our own words.
PROPER_NAMES = [
    "pain management best practices inter agency task force",
    "coverage and constraints promoting comprehensive integrative pain care and strategic communication",
    "coverage and constraints promoting comprehensive integrative pain care",
    "pain action alliance to implement a national strategy",
]


def test_every_id_exists_with_its_type_and_component(real_catalog):
    entries = real_catalog.entries
    for component, ids in TREATMENTS.items():
        for entry_id in ids.split():
            assert entries[entry_id].type == "treatment" and entries[entry_id].component == component
    for entry_type, ids in IDS.items():
        for entry_id in ids:
            assert entries[entry_id].type == entry_type, entry_id
    # every entry file is in the catalog, and every kind has entries
    files = [
        p
        for p in (ROOT / "guidelines").rglob("*.yaml")
        if p.parent.name != "modules" and p.parent != ROOT / "guidelines"
    ]
    assert len(entries) == len(files)
    assert {e.type for e in entries.values()} == set(ENTRY_TYPES)
    assert sum(len(v.split()) for v in TREATMENTS.values()) == 41


def test_the_new_modules_teach_the_new_entries(real_catalog):
    assert len(NEW) == 30
    for module_id in MODULES:
        module = real_catalog.modules[module_id]
        assert len(module.objectives) >= 3 and 7 <= len(module.questions) <= 8, module_id
        assert sum(lesson.entry in NEW for lesson in module.lessons) >= 6, module_id


def test_related_links_go_both_ways(real_catalog):
    entries = real_catalog.entries
    one_way = [(e.id, r) for e in entries.values() for r in e.related if e.id not in entries[r].related]
    assert not [(a, b) for a, b in one_way if a in NEW or b in NEW]


def test_team_questions_are_in_seed_order(real_catalog):
    assert [e.id for e in real_catalog.by_type("team-question")] == IDS["team-question"]


# The kinds the patients' index lists: those with a patient group, and treatments (grouped by component).
PATIENT_INDEX_KINDS = {k.type for k in KINDS if k.patient_group} | {"treatment"}


def test_every_entry_is_cited_and_complete(real_catalog):
    for entry in real_catalog.entries.values():
        assert entry.sources and all(ref.id in real_catalog.sources for ref in entry.sources), entry.id
        assert entry.aliases, f"{entry.id}: aliases help search; add abbreviations and lay words"
        assert entry.related, f"{entry.id}: no related entries"
        assert 2 <= len(entry.trainer.learning_objectives) <= 4
        if entry.type in PATIENT_INDEX_KINDS:
            assert entry.patient is not None, entry.id


def test_treatments_fill_every_clinician_field(real_catalog):
    fields = ("how_it_is_used", "benefits", "risks", "evidence", "who_delivers")
    for entry in real_catalog.by_type("treatment"):
        missing = [f for f in fields if not getattr(entry.clinician, f)]
        assert not missing, f"{entry.id}: missing clinician {missing}"
        assert len(entry.clinician.practical_steps) >= 2, entry.id


def test_data_elements_with_instruments_say_how_they_are_scored(real_catalog):
    for entry_id in ("peg-score", "phq-depression-screen", "opioid-risk-tool", "morphine-equivalent-dose"):
        assert real_catalog.entries[entry_id].measure.scoring, entry_id


def test_sources_list_the_seed_files(real_catalog):
    files = {s.file for s in real_catalog.sources.values() if s.file}
    expected = {
        "000_b715223cba4c4816.txt",
        "001_98b8fd742d1ae114.txt",
        "002_904079765ca727c2.txt",
        "003_e25c7cee886666f6.txt",
        "004_66a33bea12c6e7f7.txt",
    }
    assert files == expected
    if SEEDS.is_dir():
        assert expected <= {p.name for p in SEEDS.iterdir()}


def test_instrument_sources_are_cited_where_the_instrument_is_described(real_catalog):
    cites = {e.id: {r.id for r in e.sources} for e in real_catalog.entries.values()}
    assert "krebs-2009-peg" in cites["peg-score"]
    assert "kroenke-2001-phq9" in cites["phq-depression-screen"]
    assert {"webster-2005-ort", "cheatle-2019-ort-oud"} <= cites["opioid-risk-tool"]
    assert "cdc-opioid-guideline-2022" in cites["morphine-equivalent-dose"]


def _text(entry) -> str:
    return " ".join(str(v) for v in entry.model_dump(mode="json").values())


@pytest.mark.parametrize(
    ("entry_id", "facts"),
    [
        ("provider-scarcity", ["28,500"]),
        ("pain-and-mental-health", ["7.4%", "10.2%", "988"]),
        ("patient-centered-pain-care", ["29"]),
        ("morphine-equivalent-dose", ["0.15", "2.4", "4.7", "1.5", "0.4", "0.2", "not"]),
        ("peg-score", ["three", "0", "10"]),
        ("phq-depression-screen", ["0–27", "item 9"]),
        ("opioid-risk-tool", ["0–3", "4–7", "8", "ORT-OUD"]),
        ("team-timing", ["monthly"]),
        ("interdisciplinary-pain-rehabilitation-programs", ["Mayo", "Journal of Pain", "six months"]),
        (
            "comprehensive-integrative-pain-management-policy",
            ["2018", "Coverage and Constraints", "Strategic Communication"],
        ),
        ("acetaminophen", ["surgery"]),
        ("neuromodulation", ["magnetic"]),
    ],
)
def test_seed_facts_are_covered(real_catalog, entry_id, facts):
    text = _text(real_catalog.entries[entry_id])
    for fact in facts:
        assert fact.lower() in text.lower(), f"{entry_id} should mention {fact!r}"


def test_patient_layers_are_readable(real_catalog):
    readings = [measure(e.id, e.patient) for e in real_catalog.entries.values() if e.patient is not None]
    assert len(readings) == sum(e.patient is not None for e in real_catalog.entries.values()) > 0
    too_hard = [r for r in readings if r.grade > MAX_GRADE]
    too_short = [r for r in readings if r.words < MIN_WORDS]
    assert not too_hard, too_hard
    assert not too_short, too_short
    assert median_grade(readings) <= MAX_MEDIAN_GRADE


def test_person_first_language(real_catalog):
    documents = [*real_catalog.entries.values(), *real_catalog.modules.values(), *real_catalog.glossary]
    found = [(getattr(d, "id", getattr(d, "term", "")), f) for d in documents for f in language.findings(d)]
    assert not found, found


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("He is an addict.", True),
        ("Avoid drug-seeking labels.", True),
        ("a dirty urine result", True),
        ("Clean test", True),
        ("substance abusers", True),
        ("drug abuse", True),
        ("abuse-deterrent opioids", False),
        ("addiction medicine", False),
        ("a person with opioid use disorder", False),
        ('Words to avoid: "addict" → "person with opioid use disorder".', False),
        ('Avoid saying "dirty urine"; say "unexpected result".', False),
    ],
)
def test_language_check_itself(text, bad):
    from painguide.content.schema import Term

    term = Term(term="Example term", definition=f"{text} (an example definition)")
    assert bool(language.findings(term)) is bad


def test_review_dates(real_catalog):
    today = dt.date.today()
    for doc in [*real_catalog.entries.values(), *real_catalog.modules.values()]:
        assert doc.reviewed <= today, f"{doc.id}: reviewed in the future"
        due = getattr(doc, "review_due", None)
        assert due is None or due > doc.reviewed, doc.id


def test_glossary_is_rich(real_catalog):
    assert len(real_catalog.glossary) >= 60
    abbreviations = {a for t in real_catalog.glossary for a in t.abbreviations}
    assert {
        "CBT",
        "PT",
        "OT",
        "MME",
        "PDMP",
        "UDT",
        "ORT",
        "PHQ-9",
        "PEG",
        "MOUD",
        "NSAID",
        "TENS",
    } <= abbreviations


def _tokens(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9%']+", text.lower().replace("’", "'")))


def _words(text: str) -> list[str]:
    text = _tokens(text)
    for name in PROPER_NAMES:
        text = text.replace(_tokens(name), " ")
    return text.split()


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seeds are in ../shared/seeds, beside the repository")
def test_entries_are_in_our_own_words(real_catalog):
    n = 8
    seed_grams = set()
    for seed in SEEDS.glob("*.txt"):
        w = _words(seed.read_text(encoding="utf-8"))
        seed_grams |= {" ".join(w[i : i + n]) for i in range(len(w) - n + 1)}
    copied = {}
    for doc_id, path in real_catalog.paths.items():
        w = _words(Path(path).read_text(encoding="utf-8"))
        hits = {" ".join(w[i : i + n]) for i in range(len(w) - n + 1)} & seed_grams
        if hits:
            copied[doc_id] = sorted(hits)[:3]
    assert not copied, copied


def test_treatments_link_the_conditions_they_serve(real_catalog):
    for condition in real_catalog.by_type("condition"):
        for option in condition.clinician.first_line:
            target = real_catalog.entries[option.entry]
            if target.type == "treatment":
                assert condition.id in target.related, f"{target.id} should link {condition.id}"
