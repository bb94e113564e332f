"""Full-text search over entries and modules with Whoosh. All query code lives in this module.

Whoosh analyzes, writes and stores the index (segments, postings, stored fields, multi-process
builds). Queries are scored here, not by Whoosh's matchers: the posting blocks of each query term are
read into numpy arrays and scored with Whoosh's own BM25F formula (``whoosh.scoring.BM25F``; a test
checks the scores agree), a whole posting list at a time. Whoosh's matchers walk postings one by one in
Python, which made a query on 10,000 long documents take ~100 ms; arrays make it a few milliseconds,
and give exact totals and facet counts for free. Decoded posting lists are kept in a bounded cache.

User input is always plain text: it is tokenized here and turned into a plan of terms and phrases
directly, never handed to Whoosh's query parser, so no input can be a syntax error.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import html
import itertools
import json
import re
import threading
import unicodedata
import weakref
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import highlight, index, scoring
from whoosh.analysis import Filter, StemmingAnalyzer, Token
from whoosh.analysis.filters import STOP_WORDS
from whoosh.codec import whoosh3
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.util.numeric import byte_to_length

from painguide import urls
from painguide.spelling import Speller

MAX_QUERY_LENGTH = 256
MAX_CORRECTED = 6  # words of one query sent to the speller; the rest are searched as typed
MAX_REMEMBERED_CORRECTIONS = 50_000  # ~10 MB at most; forgotten all at once when full
# Question words carry no topic ("what is …", "how do I …"); dropping them keeps BM25 on the topic.
_STOP = frozenset(STOP_WORDS) | {
    "what",
    "how",
    "why",
    "when",
    "which",
    "who",
    "does",
    "do",
    "did",
    "is",
    "are",
    "my",
    "me",
    "i",
    "should",
    "can",
    "could",
    "would",
    "get",
    "about",
    "there",
    "any",
    "need",
    "someone",
    "help",
}
ANALYZER = StemmingAnalyzer(stoplist=_STOP, minsize=1)
# Titles and aliases once more with every word kept: some names are questions ("Support team
# membership: who should be on the team?"), and there "who" is the word that tells them apart.
WORDING_ANALYZER = StemmingAnalyzer(stoplist=None, minsize=1)
# Field boosts: names a person types (title, aliases) above the summary above the body text.
# The audience layers are searched as one `body` field: a term costs one posting list, not three
# (measured: the per-field layers made uncached queries on large corpora ~1.5x slower).
BOOSTS = {"title": 6.0, "aliases": 5.0, "summary": 2.0, "body": 1.0}
PATIENT_FIELDS = ("title", "aliases", "summary", "patient")
# What a document dict carries besides the indexed fields; build_index folds them into `body`.
LAYERS = ("clinician", "patient", "trainer")
FACETS = ("type", "component", "audience")

# Phrases are matched in names (title + aliases) and the summary only, as word pairs (below).
PHRASE_FIELDS = ("names", "summary")


class PairFilter(Filter):
    """Each pair of adjacent terms as one ``a_b`` term (stems are [a-z0-9]+, so "_" is free): a phrase
    is in a field when each of its pairs is, one short posting list a pair instead of position checks.
    Runs in the index writer's processes, like the rest of the analysis."""

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        previous = None
        for token in tokens:
            current = token.text
            if previous is not None:
                token.text = f"{previous}_{current}"
                yield token
            previous = current


PAIR_ANALYZER = ANALYZER | PairFilter()

SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    type=ID(stored=True),
    component=ID(stored=True),
    audience=KEYWORD(commas=True, lowercase=True),
    tag=KEYWORD(commas=True, lowercase=True),
    url=STORED,
    title=TEXT(analyzer=ANALYZER, field_boost=BOOSTS["title"], stored=True, phrase=False),
    aliases=TEXT(analyzer=ANALYZER, field_boost=BOOSTS["aliases"], phrase=False),
    summary=TEXT(analyzer=ANALYZER, field_boost=BOOSTS["summary"], stored=True, phrase=False),
    body=TEXT(analyzer=ANALYZER, field_boost=BOOSTS["body"], phrase=False),
    # searched alone for audience=patient, and stored for patient snippets
    patient=TEXT(analyzer=ANALYZER, field_boost=1.0, stored=True, phrase=False),
    # Filled by build_index from title + aliases: phrases are matched in one field instead of two,
    # and `wording` also keeps the words ANALYZER drops (see WORDING_ANALYZER).
    names=TEXT(analyzer=ANALYZER, phrase=False),
    wording=TEXT(analyzer=WORDING_ANALYZER, phrase=False),
    # names and summary again, as pairs of adjacent terms ("pain manag" as "pain_manag"): see PairFilter
    names_pairs=TEXT(analyzer=PAIR_ANALYZER, phrase=False),
    summary_pairs=TEXT(analyzer=PAIR_ANALYZER, phrase=False),
)
_WORD = re.compile(r"[a-z0-9]+")
META_FILE, WORDS_FILE, SUGGEST_FILE, SYNONYMS_FILE = "meta.json", "words.txt", "suggest.json", "synonyms.json"
NAMES_FILE = "names.json"
# Bumped whenever SCHEMA or the files beside the index change: an older build is rebuilt, not misread.
INDEX_VERSION = 3
# Query shaping (see SearchIndex._plan). Scores are BM25F sums, so these are relative weights.
PHRASE_BOOST = 3.0  # the whole query as a phrase in a title, an alias or the summary
QUESTION_BOOST = 2.0  # a stop word of the query ("who", "how", "should") in a title or alias ...
QUESTION_MAX_SHARE = 0.1  # ... unless more than this share of documents has it there ("and", "the")
SYNONYM_BOOST = 1.5  # a glossary synonym of a query span (the best one per span counts)
NAME_BONUS = 40.0  # the query is exactly a document's title or one of its aliases ...
NAME_PART_BONUS = 20.0  # ... or contains one (scaled by the share of the query it covers)
NAME_MAX_DOCS = 25  # a name shared by more documents than this names none of them: no bonus
# Coordination: a document's score is scaled by COORD_FLOOR + (1 - COORD_FLOOR) * (share of the
# query's concepts it matches; a concept is a query term or any of its glossary synonyms), so "benzo
# with my pain pills" prefers the page about both over the one about pain pills only.
COORD_FLOOR = 0.0
# Decoded posting lists kept per index generation (ids + scores, 8 bytes a posting). The common
# terms of a corpus recur in most queries; this bounds the memory they may take.
POSTINGS_CACHE_MB = 64


# --- documents ---------------------------------------------------------------------------------


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _text(value: Any) -> str:
    return "\n".join(_strings(value))


def entry_document(entry: Any, extra_aliases: Iterable[str] = ()) -> dict[str, str]:
    data = entry.model_dump(mode="json", exclude_none=True)
    clinician = [data["clinician"], data.get("team"), data.get("measure")]
    return {
        "id": entry.id,
        "type": entry.type,
        # a component's own page is part of its component, so filtering by component finds it
        "component": getattr(entry, "component", None) or (entry.id if entry.type == "component" else ""),
        "audience": ",".join(entry.audiences),
        "tag": ",".join(entry.tags),
        "url": urls.url(urls.entry_page(entry)),
        "title": entry.title,
        "aliases": " ; ".join([*entry.aliases, *extra_aliases]),
        "summary": entry.summary,
        "clinician": _text(clinician),
        "patient": _text(data.get("patient")),
        "trainer": _text(data["trainer"]),
    }


def module_document(module: Any) -> dict[str, str]:
    data = module.model_dump(mode="json", exclude_none=True)
    return {
        "id": module.id,
        "type": "module",
        "component": "",
        "audience": "trainer",
        "tag": ",".join(module.audiences),
        "url": urls.url(urls.module_page(module.id)),
        "title": module.title,
        "aliases": "",
        "summary": module.summary,
        "clinician": _text([data["vignette"], data["questions"]]),
        "patient": "",
        "trainer": _text([data["objectives"], data["lessons"], data["assignment"]]),
    }


def catalog_documents(catalog: Any) -> Iterator[dict[str, str]]:
    # Glossary terms that point at an entry become extra aliases of it (e.g. "pain contract").
    extra: dict[str, list[str]] = {}
    for term in catalog.glossary:
        if term.entry:
            extra.setdefault(term.entry, []).extend([term.term, *term.abbreviations, *term.synonyms])
    for entry in catalog.entries.values():
        yield entry_document(entry, extra.get(entry.id, ()))
    for module in catalog.modules.values():
        yield module_document(module)


def synonym_groups(catalog: Any) -> list[list[str]]:
    """Equivalent names from the glossary (term, abbreviations, synonyms), normalized."""
    groups = []
    for term in catalog.glossary:
        names = {normalize(n) for n in [term.term, *term.abbreviations, *term.synonyms]}
        names.discard("")
        if len(names) > 1:
            groups.append(sorted(names))
    return groups


# --- building ------------------------------------------------------------------------------------


def _stems(text: str) -> list[str]:
    """The terms the index holds for ``text``: normalized, stop words dropped, stemmed."""
    return [t.text for t in ANALYZER(normalize(text))]


def normalize(text: str) -> str:
    """Lowercase, accents folded, punctuation to spaces: the form queries and synonyms share."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(_WORD.findall(folded))


def build_index(
    documents: Iterable[dict[str, str]],
    directory: Path,
    *,
    synonyms: list[list[str]] = (),  # type: ignore[assignment]
    procs: int = 1,
    limitmb: int = 128,
) -> int:
    """Write a fresh index (and its spelling, suggestion and synonym files) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(directory), SCHEMA)
    # compound=False: a segment's files stay separate. One compound file is memory-mapped when opened,
    # and the pages searches touch then count towards the server's resident memory (measured at 100k
    # documents: ~920 MB resident after opening, against ~320 MB with separate files).
    writer = ix.writer(procs=procs, limitmb=limitmb, multisegment=procs > 1, compound=False)
    words: set[str] = set()
    suggestions: dict[str, tuple[str, str, str, str]] = {}
    names: dict[str, list[str]] = {}
    count = 0
    try:
        for doc in documents:
            labels = [doc["title"], *filter(None, doc["aliases"].split(" ; "))]
            stems = [_stems(label) for label in labels]
            fields = {k: v for k, v in doc.items() if k not in {"clinician", "trainer"}}
            body = "\n".join(doc[layer] for layer in LAYERS if doc.get(layer))
            joined = " ; ".join(labels)
            writer.add_document(
                **fields, body=body, names=joined, wording=joined, names_pairs=joined, summary_pairs=doc["summary"]
            )
            count += 1
            for label, label_stems in zip(labels, stems, strict=True):
                suggestions.setdefault(label.lower(), (label, doc["id"], doc["type"], doc["url"]))
                key = " ".join(label_stems)
                if key and doc["id"] not in names.setdefault(key, []):
                    names[key].append(doc["id"])
            text = normalize(f"{doc['title']} {doc['aliases']} {doc['summary']}")
            words.update(w for w in text.split() if len(w) > 3 and w not in _STOP)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    for group in synonyms:
        for name in group:
            words.update(w for w in name.split() if len(w) > 3 and w not in _STOP)
    (directory / WORDS_FILE).write_text("\n".join(sorted(words)), encoding="utf-8")
    rows = sorted(suggestions.values(), key=lambda row: (row[0].lower(), row[1]))
    (directory / SUGGEST_FILE).write_text(json.dumps(rows), encoding="utf-8")
    (directory / SYNONYMS_FILE).write_text(json.dumps(list(synonyms)), encoding="utf-8")
    (directory / NAMES_FILE).write_text(json.dumps(names, sort_keys=True), encoding="utf-8")
    meta = {"documents": count, "version": INDEX_VERSION}
    (directory / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    return count


def index_version(directory: Path) -> int | None:
    """The INDEX_VERSION an index was built with (None when it is missing or predates versions)."""
    try:
        return json.loads((directory / META_FILE).read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        return None


# --- searching -----------------------------------------------------------------------------------


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


class _Mark(highlight.Formatter):
    """Matches in <mark>, everything else HTML-escaped."""

    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"<mark>{html.escape(highlight.get_text(text, token, replace))}</mark>"

    def _text(self, text: str) -> str:
        return html.escape(text)


# A plan is a sum of parts, each scoring documents (see SearchIndex._plan).


@dataclass(frozen=True)
class _Term:
    """BM25F of one index term in one field, times ``boost``."""

    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class _Phrase:
    """Adjacent terms in a PHRASE_FIELDS field: the sum of their BM25F there, times ``boost``, for
    documents that have every adjacent pair of them (exact for two words, near enough for more)."""

    field: str
    words: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class _Best:
    """The best-scoring option only, times ``boost`` (a disjunction-max, as Whoosh's DisjunctionMax)."""

    options: tuple[_Term | _Phrase, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class _Bonus:
    """A flat score for one document."""

    doc_id: str
    value: float


_Part = _Term | _Phrase | _Best | _Bonus


def _words(part: _Term | _Phrase) -> tuple[str, ...]:
    return (part.text,) if isinstance(part, _Term) else part.words


@dataclass
class _Plan:
    parts: tuple[_Part, ...] = ()
    suggestion: str | None = None
    # one set of index terms per query term: the term itself and the terms of its glossary synonyms
    concepts: tuple[frozenset[str], ...] = ()
    # every term the plan looks for, to mark in snippets
    marks: frozenset[str] = frozenset()


_Sparse = tuple[np.ndarray, np.ndarray]  # sorted document numbers, and a score for each
# a cached posting list: ids, and their BM25F scores (None until a search scores the term)
_Entry = tuple[np.ndarray, np.ndarray | None]


def _nbytes(entry: _Entry) -> int:
    return entry[0].nbytes + (entry[1].nbytes if entry[1] is not None else 0)


class _Postings:
    """The posting lists of one index generation as numpy arrays, and BM25F scores computed from them.

    Whoosh (W3 codec) stores a posting list in blocks of up to 128 postings, each block a pickled,
    compressed tuple of delta-coded document numbers and weights (term frequency times the field's
    boost). ``_block_postings`` decodes a whole block at a time; anything else (another codec, a
    segment with deletions) falls back to Whoosh's public matcher API, one posting at a time.
    """

    K1, B = 1.2, 0.75  # whoosh.scoring.BM25F's defaults, which the index was searched with before

    def __init__(self, searcher: Any, budget_bytes: int) -> None:
        self._searcher = searcher
        reader = searcher.reader()
        self._leaves: list[tuple[Any, int]] = list(reader.leaf_readers())
        self.size = reader.doc_count_all()
        self.live = np.ones(self.size, dtype=bool)
        for leaf, offset in self._leaves:
            if leaf.has_deletions():
                self.live[offset : offset + leaf.doc_count_all()] = False
                self.live[[offset + d for d in leaf.all_doc_ids()]] = True
        self._lengths: dict[str, np.ndarray] = {}
        self._cache: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._cached_bytes = 0
        self._budget = budget_bytes

    # -- reading ----------------------------------------------------------------------------------

    def ids(self, field: str, text: str) -> np.ndarray:
        """Sorted numbers of the documents that have ``text`` in ``field``."""
        return self._entry(field, text, scored=False)[0]

    def scores(self, field: str, text: str) -> _Sparse:
        """Documents with ``text`` in ``field`` and their BM25F score for it (field boost included)."""
        ids, scores = self._entry(field, text, scored=True)
        assert scores is not None
        return ids, scores

    def has(self, field: str, text: str, docnum: int) -> bool:
        ids = self.ids(field, text)
        at = int(np.searchsorted(ids, docnum))
        return at < len(ids) and int(ids[at]) == docnum

    def _entry(self, field: str, text: str, scored: bool) -> _Entry:
        """The cached (ids, scores) of a term, read (and scored, when asked) on a miss."""
        key = (field, text)
        cached = self._cache.get(key)
        if cached is not None and (cached[1] is not None or not scored):
            self._cache.move_to_end(key)
            return cached
        ids, weights = self.read(field, text)
        entry = (ids, self._bm25f(field, text, ids, weights) if scored else None)
        self._store(key, entry)
        return entry

    def _store(self, key: tuple[str, str], entry: _Entry) -> None:
        if (old := self._cache.pop(key, None)) is not None:
            self._cached_bytes -= _nbytes(old)
        if _nbytes(entry) > self._budget:
            return
        self._cache[key] = entry
        self._cached_bytes += _nbytes(entry)
        while self._cached_bytes > self._budget:
            self._cached_bytes -= _nbytes(self._cache.popitem(last=False)[1])

    def read(self, field: str, text: str, fast: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """All postings of a term: document numbers (int32) and weights (float32)."""
        ids, weights = [], []
        for leaf, offset in self._leaves:
            if (field, text) not in leaf:
                continue
            matcher = leaf.postings(field, text)
            if fast and type(matcher) is whoosh3.W3LeafMatcher and not matcher._byteids and not leaf.has_deletions():
                leaf_ids, leaf_weights = _block_postings(matcher)
            else:
                leaf_ids, leaf_weights = _matcher_postings(matcher)
            ids.append(leaf_ids + offset)
            weights.append(leaf_weights)
        if not ids:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        return np.concatenate(ids).astype(np.int32), np.concatenate(weights).astype(np.float32)

    def lengths(self, field: str, fast: bool = True) -> np.ndarray:
        """Every document's length in ``field``, as Whoosh stores it (one byte, decoded)."""
        if fast and field in self._lengths:
            return self._lengths[field]
        parts = []
        for leaf, _ in self._leaves:
            count = leaf.doc_count_all()
            column = None
            if fast:
                per_doc = getattr(leaf, "_perdoc", None)
                column = getattr(per_doc, "_cached_reader", lambda *_: None)(f"_{field}_len", whoosh3.LENGTHS_COLUMN)
            if column is not None and getattr(column, "_fixedlen", None) == 1:
                # the column is one byte a document, stored contiguously; documents past its end have 0
                raw = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
                codes = np.zeros(count, dtype=np.uint8)
                codes[: len(raw)] = raw[:count]
                parts.append(_LENGTH_OF_BYTE[codes])
            else:
                parts.append(
                    np.array([leaf.doc_field_length(d, field, 0) or 0 for d in range(count)], dtype=np.float32)
                )
        lengths = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
        if fast:
            self._lengths[field] = lengths
        return lengths

    # -- scoring ----------------------------------------------------------------------------------

    def _bm25f(self, field: str, text: str, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """whoosh.scoring.BM25FScorer over a whole posting list (the same formula and statistics)."""
        searcher = self._searcher
        if not searcher.schema[field].scorable:
            return weights  # Whoosh scores unscorable fields by weight alone
        idf = searcher.idf(field, text)
        avgfl = searcher.avg_field_length(field) or 1
        lengths = self.lengths(field)[ids].astype(np.float64)
        w = weights.astype(np.float64)
        k1, b = self.K1, self.B
        return (idf * (w * (k1 + 1)) / (w + k1 * ((1 - b) + b * lengths / avgfl))).astype(np.float32)


def _block_postings(matcher: Any) -> tuple[np.ndarray, np.ndarray]:
    """Whoosh W3 posting blocks, decoded a block at a time (see whoosh.codec.whoosh3.W3LeafMatcher)."""
    ids, weights = [], []
    while True:
        matcher._read_data()
        block_ids, block_weights, _ = matcher._data
        ids.append(np.cumsum(np.asarray(block_ids, dtype=np.int64)))  # delta-coded within the block
        count = len(block_ids)
        if block_weights is None:
            weights.append(np.ones(count, dtype=np.float32))
        elif isinstance(block_weights, float):
            weights.append(np.full(count, block_weights, dtype=np.float32))
        else:
            weights.append(np.asarray(block_weights, dtype=np.float32))
        if matcher._lastblock:
            break
        matcher._goto(matcher._nextoffset)
    return np.concatenate(ids), np.concatenate(weights)


def _matcher_postings(matcher: Any) -> tuple[np.ndarray, np.ndarray]:
    """Any Whoosh matcher, one posting at a time (the slow, public way)."""
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32)


# byte_to_length for every byte value: Whoosh keeps field lengths as one lossy byte a document
_LENGTH_OF_BYTE = np.array([byte_to_length(b) if b else 0 for b in range(256)], dtype=np.float32)


class _Facet:
    """The values of one facet field and which documents have them, to count any set of documents.

    A field with one value a document (type, component) keeps a value number per document and counts
    with one ``bincount``; a field with several (audience) keeps one mask per value.
    """

    def __init__(self, reader: Any, name: str, postings: _Postings) -> None:
        self.values: list[str] = []
        members: list[np.ndarray] = []
        for raw in reader.lexicon(name):
            value = raw.decode() if isinstance(raw, bytes) else str(raw)
            if value:
                self.values.append(value)
                members.append(postings.ids(name, value))
        self.codes: np.ndarray | None = None
        self.masks: list[np.ndarray] = []
        single = not members or sum(len(m) for m in members) == len(np.unique(np.concatenate(members)))
        if single:
            self.codes = np.zeros(postings.size, dtype=np.int32)  # 0: no value
            for i, ids in enumerate(members, start=1):
                self.codes[ids] = i
        else:
            for ids in members:
                mask = np.zeros(postings.size, dtype=bool)
                mask[ids] = True
                self.masks.append(mask)

    def count(self, docs: np.ndarray) -> dict[str, int]:
        """How many of ``docs`` have each value (values none of them has are left out)."""
        if self.codes is not None:
            counts = np.bincount(self.codes[docs], minlength=len(self.values) + 1)[1:]
        else:
            counts = np.array([np.count_nonzero(mask[docs]) for mask in self.masks], dtype=np.int64)
        return {self.values[i]: int(counts[i]) for i in np.flatnonzero(counts)}


@functools.lru_cache(maxsize=2**16)
def _stem_of(word: str) -> str | None:
    """The index term of one lowercase word (None for a stop word)."""
    terms = [t.text for t in ANALYZER(word)]
    return terms[0] if len(terms) == 1 else None


_TOKEN = re.compile(r"\w+(\.?\w+)*")  # whoosh.analysis.RegexTokenizer's default pattern


def _marked_tokens(text: str, marks: frozenset[str]) -> Iterator[Any]:
    """ANALYZER's tokens of ``text`` with their character spans, ``matched`` when their term is one of
    ``marks``: what Whoosh's highlighter analyzes, with each distinct word stemmed once."""
    token = Token(chars=True)
    for match in _TOKEN.finditer(text):
        token.startchar, token.endchar = match.span()
        token.text = match.group()
        token.matched = _stem_of(token.text.lower()) in marks
        yield token


def _close_all(*closables: Any) -> None:
    for item in closables:
        item.close()


class SearchIndex:
    """One open index generation: one searcher reused by every request, and a result cache.

    A new index is a new ``SearchIndex``; dropping the old one drops its caches with it.
    """

    def __init__(self, directory: Path, cache_size: int = 2048, postings_mb: int = POSTINGS_CACHE_MB) -> None:
        self.directory = directory
        self._ix = index.open_dir(str(directory))
        self._searcher = self._ix.searcher(weighting=scoring.BM25F())
        # A swapped-out generation is simply dropped by the server: its files close with it.
        self._closer = weakref.finalize(self, _close_all, self._searcher, self._ix)
        self._lock = threading.Lock()  # Whoosh searchers are not documented as thread-safe
        self._cache: OrderedDict[tuple[Any, ...], Results] = OrderedDict()
        self._cache_size = cache_size
        self._postings = _Postings(self._searcher, postings_mb * 2**20)
        self.documents = int(json.loads((directory / META_FILE).read_text())["documents"])
        self._words = (directory / WORDS_FILE).read_text(encoding="utf-8").split()
        self._speller = Speller(self._words)
        self._corrections: dict[tuple[str, tuple[str, ...]], str | None] = {}
        self._suggest = [Suggestion(*row) for row in json.loads((directory / SUGGEST_FILE).read_text())]
        self._suggest_keys = [s.label.lower() for s in self._suggest]
        # Glossary synonyms and document names are matched on index terms (stems), so "sleeping
        # pills" finds the synonym "sleeping pill" and "muscle relaxers" the alias "muscle relaxer".
        self._synonyms: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for group in json.loads((directory / SYNONYMS_FILE).read_text()):
            keys = list(dict.fromkeys(k for k in (tuple(_stems(name)) for name in group) if k))
            for key in keys:
                known = self._synonyms.setdefault(key, [])
                known.extend(k for k in keys if k != key and k not in known)
        self._longest_synonym = max((len(k) for k in self._synonyms), default=1)
        names_file = directory / NAMES_FILE
        names = json.loads(names_file.read_text()) if names_file.exists() else {}
        self._names: dict[tuple[str, ...], list[str]] = {tuple(k.split()): v for k, v in names.items()}
        self._longest_name = max((len(k) for k in self._names), default=1)
        self._fragmenter = highlight.ContextFragmenter(maxchars=160, surround=60)
        self._formatter = _Mark()
        self._fragment_scorer = highlight.BasicFragmentScorer()
        self._facets = {name: _Facet(self._searcher.reader(), name, self._postings) for name in FACETS}

    def close(self) -> None:
        with self._lock:
            self._closer()

    # -- query planning ---------------------------------------------------------------------------

    def _analyzed(self, text: str) -> list[str]:
        return [t.text for t in ANALYZER(text)]

    def _known(self, term: str, fields: Iterable[str]) -> bool:
        return any(self._searcher.doc_frequency(f, term) for f in fields)

    def _frequency(self, term: str, fields: Iterable[str]) -> int:
        return sum(self._searcher.doc_frequency(f, term) for f in fields)

    def _correct(self, words: list[str], fields: tuple[str, ...]) -> tuple[list[str], bool]:
        """Replace words the index has never seen by the closest known word (titles, aliases, summaries).

        At most ``MAX_CORRECTED`` words a query go to the speller (a typo costs ~3 ms of CPU there; 32 of them
        made one query ~100 ms and, under load, starved everything else), and each word's correction is
        remembered for the life of the index.
        """
        corrected, changed, budget = [], False, MAX_CORRECTED
        for word in words:
            terms = self._analyzed(word)
            if (
                word.isalpha()
                and len(word) > 3
                and terms
                and not self._known(terms[0], fields)
                and tuple(terms) not in self._synonyms
            ):
                key = (word, fields)
                if key not in self._corrections and budget > 0:
                    budget -= 1
                    # The closest known words (a swap of two letters is one edit), then the commonest.
                    candidates, _ = self._speller.closest(word, maxdist=2 if len(word) > 5 else 1)
                    candidates = [c for c in candidates if c not in _STOP]
                    best = (
                        min(candidates, key=lambda c: (-self._frequency(self._analyzed(c)[0], fields), c))
                        if candidates
                        else None
                    )
                    if len(self._corrections) >= MAX_REMEMBERED_CORRECTIONS:
                        self._corrections.clear()
                    self._corrections[key] = best
                if (best := self._corrections.get(key)) is not None:
                    corrected.append(best)
                    changed = True
                    continue
            corrected.append(word)
        return corrected, changed

    def _plan(self, text: str, fields: tuple[str, ...]) -> _Plan:
        """Plain text to a plan: a sum of the parts below, each scoring documents by BM25F.

        * words the index has never seen are spelling-corrected first (``_correct``);
        * every query term in every searchable field (fields weighted by ``BOOSTS``);
        * the whole query as a phrase in names (title + aliases) or the summary;
        * glossary synonyms of any span of the query ("mme" -> "morphine milligram equivalent"): the
          best-scoring synonym of a span counts, so a long synonym list cannot pile up score;
        * the query's stop words ("who", "how often", "should") in names, where they are rare and
          tell question-titled pages apart ("who should be on the team?");
        * a flat bonus for documents one of whose names *is* the query, or is part of it ("nerve
          pain pills" is an alias of anticonvulsants; "pain pills" one of opioids).

        ``_search`` then scales each score by the share of query concepts the document matches.
        """
        words = normalize(text).split()[:32]
        corrected, changed = self._correct(words, fields)
        suggestion = " ".join(corrected) if changed else None
        terms = self._analyzed(" ".join(corrected))
        if not terms:
            return _Plan((), suggestion)
        parts: list[_Part] = [_Term(f, t) for t in dict.fromkeys(terms) for f in fields]
        if len(terms) > 1:
            parts += [_Phrase(f, tuple(terms), PHRASE_BOOST) for f in PHRASE_FIELDS]
        concepts = {t: {t} for t in terms}
        for span, alternatives in self._expansions(terms):
            for t in span:
                concepts[t].update(a for alt in alternatives for a in alt)
            options: list[_Term | _Phrase] = []
            for alt in alternatives:
                options += [_Term(f, alt[0]) if len(alt) == 1 else _Phrase(f, alt) for f in PHRASE_FIELDS]
            parts.append(_Best(tuple(options), SYNONYM_BOOST))
        stopped = {t.text for t in WORDING_ANALYZER(" ".join(corrected))} - set(terms)
        common = QUESTION_MAX_SHARE * self.documents
        parts += [
            _Term("wording", t, QUESTION_BOOST)
            for t in sorted(stopped)
            if self._searcher.doc_frequency("wording", t) <= common
        ]
        parts += [_Bonus(doc_id, bonus) for doc_id, bonus in self._named(terms).items()]
        marks = frozenset().union(*concepts.values())
        return _Plan(tuple(parts), suggestion, tuple(frozenset(c) for c in concepts.values()), marks)

    def _spans(self, terms: list[str], longest: int) -> Iterator[tuple[str, ...]]:
        for n in range(min(longest, len(terms)), 0, -1):
            for i in range(len(terms) - n + 1):
                yield tuple(terms[i : i + n])

    def _expansions(self, terms: list[str]) -> list[tuple[tuple[str, ...], list[tuple[str, ...]]]]:
        """Each span of the query that is a glossary name, with its synonyms (at most 12 spans)."""
        found = [
            (span, self._synonyms[span])
            for span in dict.fromkeys(self._spans(terms, self._longest_synonym))
            if span in self._synonyms
        ]
        return found[:12]

    def _named(self, terms: list[str]) -> dict[str, float]:
        """Documents with a name that is the query (``NAME_BONUS``) or a part of it (scaled down)."""
        bonus: dict[str, float] = {}
        for span in dict.fromkeys(self._spans(terms, self._longest_name)):
            owners = self._names.get(span, ())
            if len(owners) > NAME_MAX_DOCS:
                continue
            weight = NAME_BONUS if len(span) == len(terms) else NAME_PART_BONUS * len(span) / len(terms)
            for doc_id in owners:
                bonus[doc_id] = max(bonus.get(doc_id, 0.0), weight)
        return bonus

    # -- public API -------------------------------------------------------------------------------

    def search(self, text: str, filters: Filters = Filters(), limit: int = 10, offset: int = 0) -> Results:
        text = text[:MAX_QUERY_LENGTH]
        key = (normalize(text), filters, limit, offset)
        with self._lock:
            if (cached := self._cache.get(key)) is not None:
                self._cache.move_to_end(key)
                # The key folds case and accents, so another reader's query may share it: never echo
                # their text ("naloxone — my son uses heroin" once came back to a reader who typed "naloxone").
                return dataclasses.replace(cached, query=text)
            results = self._search(text, filters, limit, offset)
            self._cache[key] = results
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
            return results

    def _search(self, text: str, filters: Filters, limit: int, offset: int) -> Results:
        patient = filters.audience == "patient"
        plan = self._plan(text, PATIENT_FIELDS if patient else tuple(BOOSTS))
        if not plan.parts:
            return Results(text, 0, [], {f: {} for f in FACETS}, plan.suggestion)
        scores, concept_hits = self._score(plan)
        matched = (scores > 0) & self._postings.live
        for name, value in filters.terms():
            allowed = np.zeros_like(matched)
            allowed[self._postings.ids(name, value)] = True
            matched &= allowed
        found = np.flatnonzero(matched)
        counts = {}
        for name in FACETS:
            pairs = self._facets[name].count(found).items()
            counts[name] = dict(sorted(pairs, key=lambda kv: (-kv[1], kv[0])))
        final = scores[found]
        if len(plan.concepts) > 1:
            coverage = np.sum(concept_hits[:, found], axis=0) / len(plan.concepts)
            final = final * (COORD_FLOOR + (1.0 - COORD_FLOOR) * coverage)
        # The page: best final score first, then best BM25F, then index order (stable across runs).
        # Everything tied with the last place is sorted too, so ties never depend on partitioning.
        want = offset + limit
        page, page_final = found, final
        if len(found) > want:
            cut = np.partition(final, len(final) - want)[len(final) - want]
            keep = final >= cut
            page, page_final = found[keep], final[keep]
        order = np.lexsort((page, -scores[page], -page_final))[offset:want]
        hits = [self._hit(int(page[i]), float(page_final[i]), plan.marks, patient) for i in order]
        return Results(text, len(found), hits, counts, plan.suggestion)

    def _score(self, plan: _Plan) -> tuple[np.ndarray, np.ndarray]:
        """Every document's score for the plan, and which query concepts each document matches."""
        postings = self._postings
        scores = np.zeros(postings.size)
        hits = np.zeros((max(len(plan.concepts), 1), postings.size), dtype=bool)
        of_term: dict[str, list[int]] = {}
        for i, concept in enumerate(plan.concepts):
            for term in concept:
                of_term.setdefault(term, []).append(i)

        def matched(words: Iterable[str], ids: np.ndarray) -> None:
            for word in words:
                for i in of_term.get(word, ()):
                    hits[i, ids] = True

        for part in plan.parts:
            if isinstance(part, _Bonus):
                ids = postings.ids("id", part.doc_id)
                scores[ids] += part.value
            elif isinstance(part, _Best):
                best = np.zeros(postings.size)
                for option in part.options:
                    ids, values = self._part(option)
                    best[ids] = np.maximum(best[ids], values)
                    matched(_words(option), ids)
                scores += best * part.boost
            else:
                ids, values = self._part(part)
                scores[ids] += values * part.boost
                if part.field != "wording":  # stop words are not concepts
                    matched(_words(part), ids)
        return scores, hits

    def _part(self, part: _Term | _Phrase) -> _Sparse:
        """The documents a term or phrase matches and their scores (before the part's boost)."""
        if isinstance(part, _Term):
            return self._postings.scores(part.field, part.text)
        words = part.words
        ids = None
        for a, b in itertools.pairwise(words):
            pair = self._postings.ids(f"{part.field}_pairs", f"{a}_{b}")
            ids = pair if ids is None else np.intersect1d(ids, pair, assume_unique=True)
            if not len(ids):
                break
        if ids is None or not len(ids):
            return np.zeros(0, dtype=np.int32), np.zeros(0)
        # The pairs and the field come from one analysis of the same text, so a document with every
        # pair has every word in the field: each word's scores are at hand for all of ``ids``.
        total = np.zeros(len(ids))
        for word in dict.fromkeys(words):
            word_ids, word_scores = self._postings.scores(part.field, word)
            total += word_scores[np.searchsorted(word_ids, ids)] * words.count(word)
        return ids, total

    def _hit(self, docnum: int, score: float, marks: frozenset[str], patient: bool) -> Hit:
        """A result with its snippet: from the patient layer first when a patient is searching."""
        stored = self._searcher.stored_fields(docnum)
        snippet = ""
        for name in ("patient", "summary") if patient else ("summary", "patient"):
            # the posting lists say which field has a match, so only that one is tokenized
            if stored.get(name) and any(self._postings.has(name, term, docnum) for term in marks):
                tokens = _marked_tokens(stored[name], marks)
                fragments = highlight.top_fragments(
                    self._fragmenter.fragment_tokens(stored[name], tokens), 2, self._fragment_scorer, highlight.FIRST
                )
                snippet = self._formatter(stored[name], fragments)
            if snippet:
                break
        return Hit(
            id=stored["id"],
            title=stored["title"],
            type=stored["type"],
            component=stored.get("component") or None,
            url=stored["url"],
            snippet=snippet or html.escape(stored["summary"][:200]),
            score=round(score, 3),
        )

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
                    for term in self._analyzed(word)[:1]:
                        if reader.doc_frequency(field, term):
                            for _ in reader.postings(field, term).all_ids():
                                pass
            if self._words:
                self._search(self._words[0], Filters(), 1, 0)  # and one real, uncached query

    def more_like(self, doc_id: str, text: str, exclude: Iterable[str] = (), limit: int = 5) -> list[str]:
        """Ids of documents most like ``text`` (an entry's own words), strongest first."""
        skip = {doc_id, *exclude}
        with self._lock:
            docnum = self._searcher.document_number(id=doc_id)
            if docnum is None:
                return []
            found = self._searcher.more_like(docnum, "body", text=text, top=limit + len(skip), numterms=12)
            return [h["id"] for h in found if h["id"] not in skip][:limit]
