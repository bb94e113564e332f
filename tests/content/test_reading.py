"""The reading model (painguide.content.reading) and the one Markdown renderer: what the site and the cartridge
both lay out, written once."""

from __future__ import annotations

import markdown as md
import yaml

from painguide.content import kinds, markup, reading
from painguide.content.schema import Source, SourceRef
from painguide.export import pages
from painguide.site import curriculum, navigation
from painguide.site.widgets import Slots
from tests.helpers import MKDOCS


def test_the_handout_reads_in_one_order_under_one_set_of_titles(fixture_catalog):
    module = fixture_catalog.modules["fixture-basics"]
    parts = reading.handout(module)
    assert [type(p) for p in parts] == [
        reading.Objectives,
        reading.Readings,
        reading.Case,
        reading.KnowledgeCheck,
        reading.Task,
    ]
    titles = [
        reading.Objectives.title,
        reading.Readings.title,
        reading.titled(reading.Case.label, module.vignette.title),
        reading.KnowledgeCheck.title,
        reading.titled(reading.Task.label, module.assignment.title),
    ]
    site = curriculum.handout_page(module, fixture_catalog, Slots())
    html = next(p.html for p in pages.module_pages(module, fixture_catalog) if p.name == "handout.html")
    # Both outputs show every title, in the model's order (the cartridge also heads the prompts "Discuss").
    for text in (site, html):
        at = [text.index(t) for t in titles]
        assert at == sorted(at), text[:200]


def test_answer_letters_are_the_registrys(fixture_catalog):
    module = fixture_catalog.modules["fixture-basics"]
    for q in module.questions:
        letter = reading.answer_letter(q)
        assert dict(reading.lettered(q))[letter] == q.answer
        assert letter == kinds.LETTERS[q.choices.index(q.answer)]
    key = curriculum.answers_page(module, fixture_catalog, Slots())
    q = module.questions[0]
    assert f"**{reading.ANSWER_LABEL}: {reading.answer_letter(q)}. " in key


def _source(**parts: object) -> Source:
    return Source.model_validate({"id": "cdc-2022", "title": "A guideline", "kind": "guideline", **parts})


def test_a_citation_is_formatted_from_one_set_of_parts():
    full = reading.Citation(_source(author="Dowell D", publisher="CDC", year=2022, citation="MMWR 71(3)"), "Rec. 9")
    assert full.by == "Dowell D, CDC, 2022"
    assert full.detail == "Dowell D, CDC, 2022, MMWR 71(3); Rec. 9"
    assert reading.Citation(_source(publisher="CDC"), None).detail == "CDC"
    assert reading.Citation(_source(), "p. 4").detail == "p. 4"
    assert reading.Citation(_source(), None).by == ""


def test_site_and_cartridge_cite_the_same_parts(fixture_catalog):
    entry = next(e for e in fixture_catalog.entries.values() if any(r.locator for r in e.sources))
    ref = next(r for r in entry.sources if r.locator)
    cited = reading.Citation(fixture_catalog.sources[ref.id], ref.locator)
    from painguide.site.entries import sources_list

    site = sources_list("x.md", [SourceRef(id=ref.id, locator=ref.locator)], fixture_catalog)
    assert cited.locator and cited.locator in site
    html = pages._sources([ref], fixture_catalog)[0]
    assert html["detail"] == cited.detail


def test_layer_fields_follow_the_schema_titles(fixture_catalog):
    entry = fixture_catalog.entries["acetaminophen"]
    fields = list(reading.layer_fields(entry.clinician))
    model = type(entry.clinician)
    assert [n for n, _, _ in fields] == [n for n in model.model_fields if getattr(entry.clinician, n) not in (None, [])]
    assert all(title == model.model_fields[n].title for n, title, _ in fields)


def test_the_team_labels_are_shared_by_the_entry_page_and_the_planner(fixture_catalog):
    from painguide.site import entries, tools

    question = fixture_catalog.by_type("team-question")[0]
    for text in (entries.clinician_tab(question, fixture_catalog), tools.planner_page(fixture_catalog, Slots())):
        assert reading.TEAM_LABELS["why_it_matters"] in text and reading.TEAM_LABELS["options"] in text


def test_site_extensions_are_mkdocs_extensions_minus_toc():
    class _Loader(yaml.SafeLoader):
        pass

    # mkdocs.yml uses !!python/name and !ENV tags elsewhere; only the extension names matter here.
    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    config = yaml.load(MKDOCS.read_text(encoding="utf-8"), Loader=_Loader)
    names = [next(iter(x)) if isinstance(x, dict) else x for x in config["markdown_extensions"]]
    assert [n for n in names if n != "toc"] == markup.SITE_EXTENSIONS


def test_render_markdown_renders_what_validation_rendered():
    # An abbreviation definition: the site's extensions make it an <abbr>; a renderer without `abbr` (the tools'
    # notes had sane_lists and tables only) printed the definition as text.
    text = "Check the PEG score.\n\n*[PEG]: Pain, Enjoyment, General activity"
    assert markup.markdown_problem(text) is None
    out = markup.render_markdown(text)
    assert '<abbr title="Pain, Enjoyment, General activity">PEG</abbr>' in out
    assert out == markup.clean(md.markdown(text, extensions=markup.SITE_EXTENSIONS), page=False)
    assert "<script" not in markup.render_markdown("<script>alert(1)</script>ok")


def test_the_tools_notes_use_the_one_renderer():
    from painguide.site import tools

    text = "Ask about the ORT first.\n\n*[ORT]: Opioid Risk Tool"
    assert str(tools._html(text)) == markup.render_markdown(text)
    assert "<abbr" in tools._html(text) and "*[ORT]" not in tools._plain(text)


def test_every_index_style_has_a_page_and_every_kind_a_nav_place(fixture_catalog):
    from typing import get_args

    from painguide.site import entries

    assert set(entries.INDEXES) == set(get_args(kinds.IndexStyle))
    flat = str(navigation.nav(fixture_catalog))
    for kind in kinds.KINDS:
        if kind.index:
            assert f"'{kind.section}/index.md'" in flat, kind.type
    groups = [next(iter(item)) for item in navigation.nav(fixture_catalog) if isinstance(item, dict)]
    top = [kinds.nav_title(k) for k in kinds.nav_kinds()]
    assert groups[1 : 1 + len(top)] == top  # after Home, in registry order
    assert top == ["Treatments", "Barriers to care", "Support team", "Conditions", "Special populations", "Topics"]
