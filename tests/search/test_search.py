"""painguide.search below the API: numpy scoring agrees with Whoosh's BM25F (and the one-bincount sum with
the part-by-part one), the posting readers, snippets with Whoosh's highlighter, query-word analysis, phrases,
totals, facets and paging. The speller is in test_spelling.py, the API in tests/serve/test_search.py."""

from __future__ import annotations

import html
import itertools
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from whoosh import highlight, scoring
from whoosh.analysis import Token
from whoosh.query import And, Or, Query, Term

from painguide import search
from painguide.content.catalog import Catalog
from painguide.search import ranking
from painguide.search.analysis import query_terms, stems
from painguide.search.plan import BestPart, BonusPart, PhrasePart, TermPart, words_of
from painguide.search.snippets import Words

QUERIES = [
    "tylenol",
    "opioid tapering",
    "physical therapy for back pain",
    "pain",
    "the support team",
    "cognitive behavioral therapy",
    "acetaminophen liver",
    "peg score",
    "stigma",
    "acupuncture needles",
]


def _index(catalog: Catalog, directory: Path, procs: int = 1) -> search.SearchIndex:
    search.build_index(
        search.catalog_documents(catalog), directory, synonyms=search.synonym_groups(catalog), procs=procs
    )
    return search.SearchIndex(directory, cache_size=0)


@pytest.fixture(scope="module")
def real_index(real_catalog: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Iterator[search.SearchIndex]:
    ix = _index(real_catalog, tmp_path_factory.mktemp("real-index"))
    yield ix
    ix.close()


@pytest.fixture(scope="module")
def split_index(real_catalog: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Iterator[search.SearchIndex]:
    """The same documents written by two processes: segments, their documents numbered with offsets."""
    from whoosh.index import FileIndex

    original = FileIndex.writer
    with pytest.MonkeyPatch.context() as patch:
        # Whoosh hands documents to its writer processes 100 at a time; smaller batches spread 83
        patch.setattr(FileIndex, "writer", lambda self, **kw: original(self, batchsize=10, **kw))
        ix = _index(real_catalog, tmp_path_factory.mktemp("split-index"), procs=2)
    assert len(list(ix._searcher.reader().leaf_readers())) >= 2
    yield ix
    ix.close()


def _whoosh_scores(ix: search.SearchIndex, terms: list[tuple[str, str]]) -> dict[int, float]:
    """What Whoosh's own matchers score for the sum of these terms (the reference)."""
    searcher = ix._searcher
    assert isinstance(searcher.weighting, scoring.BM25F)
    found = searcher.search(Or([Term(f, t) for f, t in terms]), limit=None)
    return {hit.docnum: hit.score for hit in found}


def _numpy_scores(ix: search.SearchIndex, terms: list[tuple[str, str]]) -> dict[int, float]:
    total = np.zeros(ix._postings.size)
    for f, t in terms:
        ids, values = ix._postings.scores(f, t)
        total[ids] += values
    return {int(d): float(total[d]) for d in np.flatnonzero(total)}


@pytest.mark.parametrize("which", ["real_index", "split_index"])
@pytest.mark.parametrize("query", QUERIES)
def test_numpy_bm25f_equals_whoosh(request, which, query):
    ix = request.getfixturevalue(which)
    terms = [(f, t) for t in dict.fromkeys(stems(search.normalize(query))) for f in (*search.BOOSTS, "wording")]
    expected = _whoosh_scores(ix, terms)
    got = _numpy_scores(ix, terms)
    assert expected, query
    assert got.keys() == expected.keys()
    for docnum, score in expected.items():
        assert got[docnum] == pytest.approx(score, rel=1e-5), (query, docnum)


def test_two_segments_score_like_one(real_index, split_index):
    ids = {real_index._searcher.stored_fields(d)["id"] for d in range(real_index._postings.size)}
    assert len(ids) == real_index._postings.size
    for query in QUERIES:
        one = real_index.search(query, limit=50)
        two = split_index.search(query, limit=50)
        assert one.total == two.total and one.facets == two.facets
        assert {h.id: h.score for h in one.results} == {h.id: h.score for h in two.results}


@pytest.mark.parametrize("field", [*search.BOOSTS, "names", "wording", "names_pairs", "type", "audience"])
def test_block_reader_equals_public_matcher_api(split_index, field):
    postings = split_index._postings
    terms = [t.decode() if isinstance(t, bytes) else t for t in split_index._searcher.reader().lexicon(field)]
    assert terms
    for text in terms[:: max(1, len(terms) // 40)]:
        fast_ids, fast_weights = postings.read(field, text)
        slow_ids, slow_weights = postings.read(field, text, fast=False)
        assert fast_ids.tolist() == slow_ids.tolist()
        assert fast_weights.tolist() == slow_weights.tolist()
        assert fast_ids.tolist() == sorted(set(fast_ids.tolist()))
    if split_index._searcher.schema[field].scorable:
        assert postings.lengths(field).tolist() == postings.lengths(field, fast=False).tolist()


def test_deleted_documents_are_never_found(real_catalog, tmp_path):
    ix = _index(real_catalog, tmp_path)
    before = ix.search("acetaminophen")
    assert before.results[0].id == "acetaminophen"
    ix.close()
    from whoosh import index as whoosh_index

    with whoosh_index.open_dir(str(tmp_path)).writer() as writer:
        writer.delete_by_term("id", "acetaminophen")
    ix = search.SearchIndex(tmp_path, cache_size=0)
    after = ix.search("acetaminophen")
    assert "acetaminophen" not in [h.id for h in after.results]
    assert after.total == before.total - 1
    assert sum(after.facets["type"].values()) == after.total
    ix.close()


def _whoosh_query(part: object) -> Query:
    """The documents a plan part matches, as a Whoosh query (phrases: all their word pairs)."""
    if isinstance(part, TermPart):
        return Term(part.field, part.text)
    if isinstance(part, PhrasePart):
        pairs = [f"{a}_{b}" for a, b in itertools.pairwise(part.words)]
        return And([Term(f"{part.field}_pairs", pair) for pair in pairs])
    if isinstance(part, BestPart):
        return Or([_whoosh_query(option) for option in part.options])
    assert isinstance(part, BonusPart)
    return Term("id", part.doc_id)


def test_total_and_facets_count_every_match(real_index):
    """Exact counts, checked against Whoosh's own matchers and facet counting."""
    from whoosh import sorting

    queries = [*QUERIES, "tylenol", "who should be on the team", "mme", "nerve pain pills", "benzo with pain pills"]
    for query in queries:
        for filters in (search.Filters(), search.Filters(type="treatment"), search.Filters(audience="patient")):
            fields = search.PATIENT_SEARCH_FIELDS if filters.audience == "patient" else tuple(search.BOOSTS)
            plan = real_index._planner.plan(query, fields)
            terms = [Term(name, value) for name, value in filters.terms()]
            expected = real_index._searcher.search(
                Or([_whoosh_query(part) for part in plan.parts]),
                limit=None,
                filter=And(terms) if terms else None,
                groupedby={"type": sorting.FieldFacet("type")},
                maptype=sorting.Count,
            )
            found = real_index.search(query, filters, limit=50)
            assert found.total == len(expected) > 0, (query, filters)
            types = expected.groups("type")
            assert found.facets["type"] == dict(sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))), query
            assert {h.id for h in found.results} <= {hit["id"] for hit in expected}


def test_pages_are_slices_of_one_order(real_index):
    whole = real_index.search("pain", limit=50)
    assert whole.total > 50
    pages = [h.id for offset in range(0, 50, 7) for h in real_index.search("pain", limit=7, offset=offset).results]
    assert pages[:50] == [h.id for h in whole.results]
    scores = [h.score for h in whole.results]
    assert scores == sorted(scores, reverse=True)


def test_phrase_ranks_adjacent_words_first(tmp_path):
    def doc(doc_id: str, title: str, summary: str) -> search.IndexDocument:
        return {
            "id": doc_id,
            "type": "topic",
            "component": "",
            "audience": "clinician",
            "tag": "",
            "url": f"{doc_id}.html",
            "title": title,
            "aliases": "",
            "summary": summary,
            "clinician": "",
            "patient": "",
            "trainer": "",
        }

    docs = [
        doc("apart", "Notes", "Therapy for the back, and physical activity, in general."),
        doc("together", "Notes", "General notes on physical therapy for the back."),
        doc("neither", "Other", "Unrelated words only."),
    ]
    search.build_index(docs, tmp_path)
    ix = search.SearchIndex(tmp_path, cache_size=0)
    found = ix.search("physical therapy")
    assert [h.id for h in found.results] == ["together", "apart"]
    assert found.results[0].score > found.results[1].score
    assert "<mark>physical</mark> <mark>therapy</mark>" in found.results[0].snippet
    # the reverse order is not the phrase: both documents then score the same
    reverse = ix.search("therapy physical")
    assert reverse.results[0].score == reverse.results[1].score


def test_posting_cache_stays_within_its_budget(real_catalog, tmp_path):
    search.build_index(search.catalog_documents(real_catalog), tmp_path)
    ix = search.SearchIndex(tmp_path, cache_size=0, postings_mb=0)
    ix._postings._budget = 4096
    for query in QUERIES:
        ix.search(query)
        assert ix._postings._cached_bytes <= 4096
    assert ix._postings._cache  # small lists are still kept
    assert ix.search("tylenol").results[0].id == "acetaminophen"  # and evicted ones are read again


def test_whoosh_has_the_internals_the_fast_path_reads():
    search.check_whoosh_internals()  # raises, naming them, when one is missing


def test_missing_whoosh_internal_fails_loudly_at_open(real_catalog, tmp_path, monkeypatch):
    from whoosh.codec import whoosh3

    search.build_index(search.catalog_documents(real_catalog), tmp_path)
    monkeypatch.delattr(whoosh3.W3LeafMatcher, "_read_data")
    with pytest.raises(RuntimeError, match=r"private Whoosh names .*W3LeafMatcher\._read_data"):
        search.check_whoosh_internals()
    with pytest.raises(RuntimeError, match=r"W3LeafMatcher\._read_data"):
        search.SearchIndex(tmp_path, cache_size=0)


def test_indexes_built_before_the_package_split_still_open():
    # Whoosh pickles the schema's analyzers into each index; older builds name `painguide.search.PairFilter`.
    import pickle

    from painguide.search.analysis import PairFilter

    assert pickle.loads(b"cpainguide.search\nPairFilter\n.") is PairFilter


def test_cached_lookup_never_waits_and_never_echoes_another_query(real_index):
    real_index = search.SearchIndex(real_index.directory, cache_size=16)  # (the module's index caches nothing)
    assert real_index.cached("Tylenol dosing schedule") is None  # not searched yet
    first = real_index.search("Tylenol dosing schedule")
    again = real_index.cached("tylenol DOSING schedule")
    assert again is not None and again.query == "tylenol DOSING schedule" and again.results == first.results
    with real_index._lock:  # a search is running in a worker thread: the event loop must not wait
        assert real_index.cached("Tylenol dosing schedule") is None


class _WhooshMark(highlight.Formatter):  # type: ignore[misc]
    """The formatter snippets used with Whoosh's highlighter: matches in <mark>, the rest escaped."""

    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"<mark>{html.escape(highlight.get_text(text, token, replace))}</mark>"

    def format_fragment(self, fragment: Any, replace: bool = False) -> str:
        output, index, text = [], fragment.startchar, fragment.text
        for token in sorted(fragment.matches, key=lambda t: (t.startchar, -(t.endchar - t.startchar))):
            if token.startchar is None or token.startchar < index:
                continue
            if token.startchar > index:
                output.append(html.escape(text[index : token.startchar]))
            output.append(self.format_token(text, token, replace))
            index = token.endchar
        output.append(html.escape(text[index : fragment.endchar]))
        return "".join(output)


def _whoosh_snippet(text: str, marks: frozenset[str]) -> str:
    """What Whoosh's own highlighter makes of ``text`` (the reference for snippets.Words)."""

    def tokens() -> Iterator[Any]:
        token = Token(chars=True)
        for match in re.finditer(r"\w+(\.?\w+)*", text):
            token.startchar, token.endchar = match.span()
            token.text = match.group()
            terms = stems(token.text.lower())
            token.matched = len(terms) == 1 and terms[0] in marks
            yield token

    fragmenter = highlight.ContextFragmenter(maxchars=160, surround=60)
    fragments = highlight.top_fragments(
        fragmenter.fragment_tokens(text, tokens()), 2, highlight.BasicFragmentScorer(), highlight.FIRST
    )
    return str(_WhooshMark()(text, fragments))


def test_snippets_are_whoosh_highlighter_fragments_on_the_real_corpus(real_index):
    texts = [
        stored[name]
        for docnum in range(real_index._postings.size)
        for name in ("summary", "patient")
        if (stored := real_index._searcher.stored_fields(docnum)).get(name)
    ]
    mark_sets = {
        real_index._planner.plan(query, search.SEARCH_FIELDS).marks
        for query in [*QUERIES, "pain", "who should be on the team", "mme", "nerve pain pills", "opioid pain pain"]
    }
    compared = 0
    for text in texts:
        words = Words.of(text)
        for marks in mark_sets:
            expected = _whoosh_snippet(text, marks)
            assert words.highlight(marks) == expected, (text[:60], sorted(marks))
            compared += bool(expected)
    assert compared > 200  # most pairs have a match to excerpt


def test_snippets_match_whoosh_on_edge_cases():
    rng = random.Random(3)
    vocab = ["pain", "opioid", "therapy", "back", "the", "x" * 70, "y" * 170, "Pain", "**pain**", "3.5", "mg", "é"]
    for _ in range(400):
        n = rng.choice([1, 5, 40, 400])
        text = "".join(rng.choice(vocab) + rng.choice([" ", ", ", ".\n", "  —  "]) for _ in range(n))
        if rng.random() < 0.1:
            text = "z " * rng.randint(16_000, 16_500) + text  # past the fragmenter's character limit
        marks = frozenset(
            rng.sample(["pain", "opioid", "therapi", "back", "x" * 70, "y" * 170, "mg"], rng.randint(0, 3))
        )
        assert Words.of(text).highlight(marks) == _whoosh_snippet(text, marks), (text[:80], marks)


def test_kept_snippet_sources_are_bounded(real_index, monkeypatch):
    from painguide.search import index as index_module

    assert len(real_index._sources) == real_index._postings.size  # a small index reads them all at open
    monkeypatch.setattr(index_module, "SOURCES_AT_OPEN", 0)
    monkeypatch.setattr(index_module, "SNIPPET_SOURCES", 3)
    small = search.SearchIndex(real_index.directory, cache_size=0)
    assert not small._sources  # none read at open
    for query in QUERIES:
        assert small.search(query) == real_index.search(query)
        assert len(small._sources) <= 3
    small.close()


def test_query_terms_are_the_stems_of_normalized_text():
    rng = random.Random(5)
    words = ["the", "who", "pain", "pills", "running", "2", "b12", "x", "should", "therapies", "a", "ibuprofen"]
    for _ in range(300):
        text = search.normalize(" ".join(rng.choices(words, k=rng.randint(0, 8))))
        for keep in (False, True):
            assert query_terms(text, keep_stop_words=keep) == stems(text, keep_stop_words=keep), text


def _part_by_part(plan: Any, postings: Any) -> tuple[np.ndarray, np.ndarray]:
    """ranking.score the plain way, one part at a time (the reference for its single bincount)."""
    scores = np.zeros(postings.size)
    hits = np.zeros((max(len(plan.concepts), 1), postings.size), dtype=bool)

    def matched(words: tuple[str, ...], ids: np.ndarray) -> None:
        for i, concept in enumerate(plan.concepts):
            if concept & set(words):
                hits[i, ids] = True

    for part in plan.parts:
        if isinstance(part, BonusPart):
            scores[postings.ids("id", part.doc_id)] += part.value
        elif isinstance(part, BestPart):
            best = np.zeros(postings.size)
            for option in part.options:
                ids, values = ranking.part_scores(option, postings)
                best[ids] = np.maximum(best[ids], values)
                matched(words_of(option), ids)
            scores += best * part.boost
        else:
            ids, values = ranking.part_scores(part, postings)
            scores[ids] += values * part.boost
            if part.field != "wording":
                matched(words_of(part), ids)
    return scores, hits


@pytest.mark.parametrize("which", ["real_index", "split_index"])
def test_scores_are_the_part_by_part_sums_exactly(request, which):
    ix = request.getfixturevalue(which)
    queries = [*QUERIES, "who should be on the team", "mme", "nerve pain pills", "benzo with pills", "acetaminophn"]
    for query in queries:
        for fields in (search.SEARCH_FIELDS, search.PATIENT_SEARCH_FIELDS):
            plan = ix._planner.plan(query, fields)
            scores, hits = ranking.score(plan, ix._postings)
            expected_scores, expected_hits = _part_by_part(plan, ix._postings)
            assert scores.tolist() == expected_scores.tolist(), query  # equal, not approximately
            assert hits.tolist() == expected_hits.tolist(), query
