"""One open index generation: search, suggest, more-like-this and a self-check, with a result cache."""

from __future__ import annotations

import bisect
import dataclasses
import functools
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index, scoring

from painguide.content.kinds import MAX_QUERY_LENGTH
from painguide.search import ranking
from painguide.search.analysis import PATIENT_SEARCH_FIELDS, SEARCH_FIELDS, normalize, stems
from painguide.search.plan import Planner
from painguide.search.postings import POSTINGS_CACHE_MB, Facet, Mask, Postings, check_whoosh_internals
from painguide.search.snippets import SnippetSource
from painguide.search.writer import read_side_files

FACETS = ("type", "component", "audience")
# Stored fields and their tokenized words, kept for this many documents (the real corpus: all of them; ~10 KB
# a document with both fields tokenized, so ~20 MB at most). A hit read them from Whoosh's zlib-pickled
# columns and re-tokenized its text every time (~0.25 ms a hit, 75% of a query: measured, real corpus).
SNIPPET_SOURCES = 2048
# ... and read for every document when the index is opened, up to this many (~0.15 ms a document: the real
# corpus's ~100 take ~15 ms at open, which its first searches took instead, ~10 ms for the first one).
SOURCES_AT_OPEN = 512


@dataclass(frozen=True)
class Filters:
    type: str | None = None
    component: str | None = None
    audience: str | None = None
    tag: str | None = None

    def terms(self) -> list[tuple[str, str]]:
        """(field, index term) pairs a document must all have."""
        return [
            (name, value.lower() if name in {"audience", "tag"} else value)
            for name, value in vars(self).items()
            if value
        ]


@dataclass
class Hit:
    id: str
    title: str
    type: str
    component: str | None
    url: str
    snippet: str
    score: float


@dataclass
class Results:
    query: str
    total: int
    results: list[Hit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None


@dataclass
class Suggestion:
    label: str
    id: str
    type: str
    url: str


def _close_all(*closables: Any) -> None:
    for item in closables:
        item.close()


class IndexUnreadable(RuntimeError):
    """The index's files cannot be read (truncated or deleted under a running server): HTTP 503."""


class SearchIndex:
    """One open index generation: one searcher reused by every request, and a result cache.

    A new index is a new ``SearchIndex``; dropping the old one drops its caches with it.
    """

    def __init__(self, directory: Path, cache_size: int = 2048, postings_mb: int = POSTINGS_CACHE_MB) -> None:
        check_whoosh_internals()  # a Whoosh without the internals the fast path reads fails here, not in a search
        self.directory = directory
        self._ix = index.open_dir(str(directory))
        self._searcher = self._ix.searcher(weighting=scoring.BM25F())
        # A swapped-out generation is simply dropped by the server: its files close with it.
        self._closer = weakref.finalize(self, _close_all, self._searcher, self._ix)
        self._lock = threading.Lock()  # Whoosh searchers are not documented as thread-safe
        self._cache: OrderedDict[tuple[str, Filters, int, int], Results] = OrderedDict()
        self._cache_size = cache_size
        self._postings = Postings(self._searcher, postings_mb * 2**20)
        side = read_side_files(directory)
        self.documents = side.documents
        self._words = side.words
        # Term statistics in memory: a query asks for ~25 (every word in every field), and Whoosh answers each
        # from its on-disk term table (~20 us a lookup, measured).
        doc_frequency = functools.lru_cache(maxsize=2**16)(self._searcher.doc_frequency)
        self._planner = Planner(doc_frequency, side.documents, side.words, side.synonyms, side.names)
        self._suggest = [Suggestion(*row) for row in side.suggestions]
        self._suggest_keys = [s.label.lower() for s in self._suggest]
        self._sources: OrderedDict[int, SnippetSource] = OrderedDict()
        if self._postings.size <= SOURCES_AT_OPEN:
            for docnum in np.flatnonzero(self._postings.live):
                source = self._source(int(docnum))
                for name in ("summary", "patient"):
                    if source.stored.get(name):
                        source.words_of(name)
        self._facets = {name: Facet(self._searcher.reader(), name, self._postings) for name in FACETS}

    def close(self) -> None:
        with self._lock:
            self._closer()

    def search(self, text: str, filters: Filters = Filters(), limit: int = 10, offset: int = 0) -> Results:
        text = text[:MAX_QUERY_LENGTH]
        key = (normalize(text), filters, limit, offset)
        with self._lock:
            if (cached := self._cache.get(key)) is not None:
                self._cache.move_to_end(key)
                # The key folds case and accents, so another reader's query may share it: never echo
                # their text ("naloxone — my son uses heroin" once came back to a reader who typed "naloxone").
                return dataclasses.replace(cached, query=text)
            try:
                results = self._search(text, filters, limit, offset)
            except Exception as exc:  # Whoosh raises bare Exceptions ("Block tag error") on a damaged segment
                raise IndexUnreadable(f"the search index cannot be read ({type(exc).__name__})") from exc
            self._cache[key] = results
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
            return results

    def cached(self, text: str, filters: Filters = Filters(), limit: int = 10, offset: int = 0) -> Results | None:
        """The cached results of a query, or None, without ever waiting: the server asks on its event loop
        before sending a search to its worker threads (a thread hop costs more than a cache hit)."""
        text = text[:MAX_QUERY_LENGTH]
        key = (normalize(text), filters, limit, offset)
        if not self._lock.acquire(blocking=False):
            return None  # a search is running: the worker thread will find it
        try:
            if (cached := self._cache.get(key)) is None:
                return None
            self._cache.move_to_end(key)
            return dataclasses.replace(cached, query=text)
        finally:
            self._lock.release()

    def _search(self, text: str, filters: Filters, limit: int, offset: int) -> Results:
        # A patient's search scores names, the summary and the patient layer only, and excerpts the
        # patient layer first: the clinician and trainer layers are not written for them.
        patient = filters.audience == "patient"
        plan = self._planner.plan(text, PATIENT_SEARCH_FIELDS if patient else SEARCH_FIELDS)
        if not plan.parts:
            return Results(text, 0, [], {f: {} for f in FACETS}, plan.suggestion)
        scores, concept_hits = ranking.score(plan, self._postings)
        found = ranking.matching(scores, self._postings, filters.terms())
        counts = {}
        for name in FACETS:
            pairs = self._facets[name].count(found).items()
            counts[name] = dict(sorted(pairs, key=lambda kv: (-kv[1], kv[0])))
        final = ranking.coordinated(plan, scores, concept_hits, found)
        chosen = ranking.page(found, scores, final, offset, limit)
        marked: dict[str, Mask] = {}

        def has_match(field: str, docnum: int) -> bool:
            """Whether the document has a mark in ``field``: one mask a field and query, made when a hit
            first asks (a posting-list lookup per hit, field and mark cost ~0.05 ms a query)."""
            if (mask := marked.get(field)) is None:
                mask = marked[field] = np.zeros(self._postings.size, dtype=bool)
                for term in plan.marks:
                    mask[self._postings.ids(field, term)] = True
            return bool(mask[docnum])

        hits = [self._hit(docnum, score, plan.marks, patient, has_match) for docnum, score in chosen]
        return Results(text, len(found), hits, counts, plan.suggestion)

    def _hit(
        self, docnum: int, score: float, marks: frozenset[str], patient: bool, marked: Callable[[str, int], bool]
    ) -> Hit:
        source = self._source(docnum)
        stored = source.stored
        return Hit(
            id=stored["id"],
            title=stored["title"],
            type=stored["type"],
            component=stored.get("component") or None,
            url=stored["url"],
            snippet=source.snippet(marks, patient, lambda field: marked(field, docnum)),
            score=round(score, 3),
        )

    def _source(self, docnum: int) -> SnippetSource:
        """A document's stored fields and words (kept for the last SNIPPET_SOURCES documents shown)."""
        if (source := self._sources.get(docnum)) is not None:
            self._sources.move_to_end(docnum)
            return source
        source = SnippetSource(self._searcher.stored_fields(docnum))
        self._sources[docnum] = source
        if len(self._sources) > SNIPPET_SOURCES:
            self._sources.popitem(last=False)
        return source

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Titles and aliases that start with ``prefix`` (or have a word that does)."""
        key = " ".join(prefix.lower().split())[:MAX_QUERY_LENGTH]
        if not key:
            return []
        out: list[Suggestion] = []
        start = bisect.bisect_left(self._suggest_keys, key)
        for i in range(start, len(self._suggest_keys)):
            if not self._suggest_keys[i].startswith(key) or len(out) >= limit:
                break
            out.append(self._suggest[i])
        if len(out) < limit:
            seen = {s.label for s in out}
            for s, k in zip(self._suggest, self._suggest_keys, strict=True):
                if len(out) >= limit:
                    break
                if s.label not in seen and f" {key}" in f" {k}" and not k.startswith(key):
                    out.append(s)
        return out

    def check(self, terms: int = 16) -> None:
        """Read the index's files for real (stored fields and some posting lists, past every cache): raises if
        a segment is truncated or missing, which a warm searcher would otherwise only reveal to a search."""
        with self._lock:
            reader = self._searcher.reader()
            if reader.doc_count_all():
                reader.stored_fields(0)
            for field in ("title", "body"):
                for word in self._words[:terms]:
                    for term in stems(word)[:1]:
                        if reader.doc_frequency(field, term):
                            for _ in reader.postings(field, term).all_ids():
                                pass
            if self._words:
                self._search(self._words[0], Filters(), 1, 0)  # and one real, uncached query

    def more_like(self, doc_id: str, text: str, exclude: Iterable[str] = (), limit: int = 5) -> list[str]:
        """Ids of documents most like ``text`` (an entry's own words), strongest first."""
        skip = {doc_id, *exclude}
        with self._lock:
            try:
                docnum = self._searcher.document_number(id=doc_id)
                if docnum is None:
                    return []
                found = self._searcher.more_like(docnum, "body", text=text, top=limit + len(skip), numterms=12)
                return [h["id"] for h in found if h["id"] not in skip][:limit]
            except Exception as exc:  # (as in search)
                raise IndexUnreadable(f"the search index cannot be read ({type(exc).__name__})") from exc
