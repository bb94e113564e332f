"""The generated site (fixture content): what each audience finds on each page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from painguide import publish
from tests.helpers import ROOT


@pytest.fixture(scope="module")
def site(built) -> Path:
    release = publish.current(built)
    assert release is not None
    return release / "site"


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def article(page: str) -> str:
    """The page body without navigation, which links to everything."""
    return page[page.index("<article") : page.index("</article>")]


def test_entry_page_has_audience_tabs_aliases_sources_and_review_date(site):
    page = read(site, "treatments/medications/acetaminophen.html")
    for label in ("For clinicians", "For patients", "For trainers"):
        assert f">{label}</label>" in page
    assert "Also called:" in page and "Tylenol" in page
    assert 'href="https://www.cdc.gov/mmwr/volumes/71/rr/rr7103a1.htm"' in page
    assert "Last reviewed 22 November 2026" in page
    assert 'href="../../patients/acetaminophen.html"' in page
    # the "Part of" link to the component, in the page body (the navigation links to everything)
    assert re.search(r'Part of <a href="index.html">Medications', article(page))
    assert "Key points" in page and "Learning objectives" in page


def test_entry_page_tags(site):
    page = read(site, "treatments/medications/acetaminophen.html")
    for tag in ("Treatment option", "Medications", "For patients"):
        assert re.search(rf'class="md-tag[^"]*"[^>]*>\s*{tag}', page), tag


def test_patient_page_is_only_for_patients(site):
    page = article(read(site, "patients/acetaminophen.html"))
    assert "Acetaminophen: for patients" in page
    assert "What it is" in page and "Questions to ask your care team" in page
    assert "Key points" not in page and "Learning objectives" not in page
    assert "not medical advice" in page.lower() and "988" in page
    assert "pg-print" in page


def test_component_page_lists_its_treatments(site):
    page = article(read(site, "treatments/medications/index.html"))
    assert 'href="acetaminophen.html"' in page and 'href="opioids.html"' in page


def test_support_team_page_orders_questions_then_data(site):
    page = article(read(site, "support-team/index.html"))
    assert page.index("team-purpose.html") < page.index("Data the team reviews") < page.index("peg-score.html")


def test_data_element_page_shows_scoring_and_limits(site):
    page = read(site, "support-team/data/peg-score.html")
    for heading in ("How it is scored", "Intended use", "Limits"):
        assert heading in page


def test_glossary_abbreviations_are_tooltips(site):
    page = read(site, "support-team/data/peg-score.html")
    assert re.search(r'<abbr title="[^"]+">PEG</abbr>', page)


def test_glossary_and_sources_pages(site, fixture_catalog):
    glossary = read(site, "glossary.html")
    for term in fixture_catalog.glossary:
        assert term.term in glossary
    sources = read(site, "sources.html")
    assert 'id="cdc-opioid-guideline-2022"' in sources and "000_b715223cba4c4816.txt" in sources


def test_patients_index_groups_explainers_plainly(site):
    page = read(site, "patients/index.html")
    assert "Medicines" in page and 'href="acetaminophen.html"' in page


def test_site_search_index_contains_aliases(site):
    # The offline engine's documents (the header box's index when no API answers) carry the aliases, and so
    # does the old lunr index kept for the evaluation's baseline.
    assert "Tylenol" in read(site, "assets/javascripts/search-docs.js")
    index = json.loads(read(site, "search/lunr_index.json"))
    docs = {d["location"]: d for d in index["docs"]}
    assert "Tylenol" in docs["treatments/medications/acetaminophen.html"]["text"]


def test_site_works_offline(site):
    page = read(site, "index.html")
    assert "fonts.googleapis.com" not in page and "fonts.gstatic.com" not in page
    assert (site / "search" / "search_index.js").exists(), "the offline plugin makes search work from file://"
    assert 'href="treatments/medications/index.html"' in page


def test_search_dialog_has_accessible_name(site):
    assert re.search(r'class="md-search"[^>]*role="dialog"[^>]*aria-label="', read(site, "index.html"))


def test_module_pages(site):
    page = read(site, "trainers/fixture-basics/index.html")
    assert 'class="pg-quiz"' in page and page.count('class="pg-question"') == 5
    assert "Learner handout" in page and "Answer key" in page
    answers = read(site, "trainers/fixture-basics/answers.html")
    assert "Answer: A. Liver" in answers
    handout = read(site, "trainers/fixture-basics/handout.html")
    assert "Answer:" not in handout and "Which organ" in handout
    builder = read(site, "trainers/assign.html")
    assert 'value="fixture-basics"' in builder and 'class="pg-builder"' in builder


def test_generated_pages_are_not_committed():
    hand_written = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    assert hand_written == {"index.md", "about.md", "api.md", "find.md", "tags.md"}


def test_home_page_leads_to_conditions_and_populations(site):
    page = read(site, "index.html")
    assert 'href="conditions/index.html"' in page and 'href="populations/index.html"' in page
    conditions = read(site, "conditions/index.html")
    assert "Osteoarthritis pain" in conditions and 'href="osteoarthritis-pain.html"' in conditions


def test_a_condition_page_groups_its_first_line_options_by_component(site):
    page = read(site, "conditions/osteoarthritis-pain.html")
    assert "Assessment and red flags" in page and "First-line options" in page
    options = page[page.index("First-line options") :]
    # Medications before behavioral health (the task force's order), each option a link to its entry
    assert options.index("../treatments/medications/acetaminophen.html") < options.index(
        "../treatments/behavioral-health/cognitive-behavioral-therapy.html"
    )
    assert page.index("Assessment and red flags") < page.index("First-line options") < page.index("What to avoid")
