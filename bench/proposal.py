"""A prototype of the SearchIndex._search change recommended by the benchmark (not used by the app).

``painguide.search.SearchIndex._search`` asks Whoosh for the top documents *and* facet counts
(``groupedby``) *and* matched terms (``terms=True``) in one pass. Both wrappers make Whoosh's collector
visit and fully BM25F-score every matching document (no block-max skipping), and ``TermsCollector``
then loops over every term matcher for every match in Python. With broad queries on a large corpus
most documents match, so the cost grows with the corpus, not with the page.

``ProposedSearchIndex`` keeps the query plan (``_plan``), the ranking formula and the response
unchanged and splits the work:

1. the scored pool: ``searcher.search(query, filter=…, limit=pool)`` with no wrappers, so Whoosh
   only scores what can still enter the top ``pool``;
2. total and facet counts: the union of the query's leaves' document sets (each a plain posting
   list read block by block, or ``Phrase.docs``), intersected with the filter's set, then counted
   against per-document facet codes loaded once when the index is opened;
3. the coverage re-rank of the pool: which query terms each pool document contains, by membership
   in the same leaf document sets (instead of ``terms=True``).

Leaf document sets are kept in a small LRU cache, so words shared by many queries ("pain") are read
once. The run with ``--compare-proposal`` checks that the proposal returns the same ids, order,
total and facets as the current code and reports both latencies.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from pathlib import Path
from typing import Any

from whoosh.query import Phrase, Term

from painguide import search
from painguide.search import FACETS, PATIENT_FIELDS, Filters, Results, SearchIndex


def _posting_ids(reader: Any, fieldname: str, text: str) -> list[int]:
    """All document numbers of one term in one segment, a block at a time."""
    try:
        m = reader.postings(fieldname, text)
    except Exception:  # TermNotFound
        return []
    if not hasattr(m, "_read_ids"):  # not a W3 leaf matcher: the generic way
        return list(m.all_ids())
    out: list[int] = []
    while not m._atend and m._i < m._blocklength:
        m._read_ids()
        out.extend(m._ids)
        m._next_block()
    return out


class ProposedSearchIndex(SearchIndex):
    def __init__(self, directory: Path, cache_size: int = 2048, leaf_cache: int = 256) -> None:
        super().__init__(directory, cache_size=cache_size)
        searcher = self._searcher
        self._subs = searcher.subsearchers or [(searcher, 0)]
        n = searcher.doc_count_all()
        # per-document facet codes (index into a value list); audience is a bitmask
        self._facet_values: dict[str, list[str]] = {}
        self._facet_codes: dict[str, list[int]] = {}
        for name in FACETS:
            values = sorted(t.decode() if isinstance(t, bytes) else t for t in searcher.reader().lexicon(name))
            codes = [0] * n
            for i, value in enumerate(values):
                for doc in self._term_docs(name, value):
                    codes[doc] = codes[doc] | (1 << i) if name == "audience" else i + 1
            self._facet_values[name] = values
            self._facet_codes[name] = codes
        self._leaf_cache: OrderedDict[Any, frozenset[int]] = OrderedDict()
        self._leaf_cache_size = leaf_cache

    def _term_docs(self, fieldname: str, text: str) -> list[int]:
        out: list[int] = []
        for sub, offset in self._subs:
            ids = _posting_ids(sub.reader(), fieldname, text)
            out.extend(ids if not offset else [d + offset for d in ids])
        return out

    def _leaf_docs(self, leaf: Any) -> frozenset[int]:
        key = (type(leaf).__name__, leaf.fieldname, tuple(leaf.words) if isinstance(leaf, Phrase) else leaf.text,
               getattr(leaf, "slop", None))
        cached = self._leaf_cache.get(key)
        if cached is not None:
            self._leaf_cache.move_to_end(key)
            return cached
        if isinstance(leaf, Term):
            docs = frozenset(self._term_docs(leaf.fieldname, leaf.text))
        else:
            docs = frozenset(self._searcher.docs_for_query(leaf))
        self._leaf_cache[key] = docs
        if len(self._leaf_cache) > self._leaf_cache_size:
            self._leaf_cache.popitem(last=False)
        return docs

    def _filter_docs(self, filters: Filters) -> frozenset[int] | None:
        q = filters.query()
        if q is None:
            return None
        sets = [self._leaf_docs(t) for t in q.leaves()]
        return frozenset.intersection(*sets)

    def _search(self, text: str, filters: Filters, limit: int, offset: int) -> Results:
        patient = filters.audience == "patient"
        fields = PATIENT_FIELDS if patient else tuple(search.BOOSTS)
        plan = self._plan(text, fields)
        if plan.query is None:
            return Results(text, 0, [], {f: {} for f in FACETS}, None)
        leaves = [leaf for leaf in plan.query.leaves() if isinstance(leaf, (Term, Phrase))]
        leaf_sets = [(leaf, self._leaf_docs(leaf)) for leaf in leaves]
        matched_docs: set[int] = set().union(*(s for _, s in leaf_sets))
        allowed = self._filter_docs(filters)
        if allowed is not None:
            matched_docs &= allowed
        pool = max(offset + limit, search.RERANK_POOL)
        found = self._searcher.search(plan.query, filter=filters.query(), limit=pool)
        found.fragmenter = self._highlighter.fragmenter
        found.formatter = self._highlighter.formatter
        # what terms=True would have recorded, for the highlighter: the query's terms found in matches
        term_leaves = [(leaf.fieldname, leaf.text, s) for leaf, s in leaf_sets
                       if isinstance(leaf, Term) and leaf.fieldname != "id"]
        # A phrase's words: for the re-rank they count as matched where a document has all of them in
        # the field (where TermsCollector finds the phrase's term matchers on the document); for the
        # highlighter, where the phrase itself matches.
        phrase_leaves = [(leaf.fieldname, leaf.words, s) for leaf, s in leaf_sets if isinstance(leaf, Phrase)]
        phrase_all_words = [(leaf.words, frozenset.intersection(*(self._leaf_docs(Term(leaf.fieldname, w))
                                                                  for w in leaf.words)))
                            for leaf, _ in leaf_sets if isinstance(leaf, Phrase)]
        # what terms=True would have recorded, for the highlighter: query terms found in any match
        found.termdocs = {(f, t.encode()): None for f, t, s in term_leaves if not s.isdisjoint(matched_docs)}
        found.termdocs.update({(f, w.encode()): None for f, words, s in phrase_leaves
                               if not s.isdisjoint(matched_docs) for w in words})
        found.docterms = {}
        scored = []
        for position, hit in enumerate(found[:pool]):
            d = hit.docnum
            matched = {t for _, t, s in term_leaves if d in s}
            for words, s in phrase_all_words:
                if d in s:
                    matched.update(words)
            factor = search.COORD_FLOOR + (1.0 - search.COORD_FLOOR) * plan.coverage(matched)
            scored.append((-hit.score * factor, position, hit))
        scored.sort(key=lambda row: row[:2])
        hits = [self._hit(hit, -negative, patient) for negative, _, hit in scored[offset : offset + limit]]
        counts: dict[str, dict[str, int]] = {}
        for name in FACETS:
            values, codes = self._facet_values[name], self._facet_codes[name]
            tally = Counter(codes[d] for d in matched_docs)
            if name == "audience":
                per: Counter[str] = Counter()
                for mask, c in tally.items():
                    for i, value in enumerate(values):
                        if mask >> i & 1:
                            per[value] += c
            else:
                per = Counter({values[code - 1]: c for code, c in tally.items() if code})
            counts[name] = {k: v for k, v in sorted(per.items(), key=lambda kv: (-kv[1], kv[0])) if k}
        return Results(text, len(matched_docs), hits, counts, plan.suggestion)
