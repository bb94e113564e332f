"""Posting lists as numpy arrays, their BM25F scores, and facet counts: the fast path under every search.

Whoosh's matchers walk postings one by one in Python, which made a query on 10,000 long documents take
~100 ms; decoding whole posting blocks into arrays makes it a few milliseconds, and gives exact totals
and facet counts for free. That needs a few of Whoosh's private names (the W3 codec's block reader and
its field-length columns). This is the only module that touches them, and ``check_whoosh_internals``
checks they are all there when an index is opened, so a Whoosh upgrade fails loudly there, not at
query time.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np
import numpy.typing as npt
import whoosh
from whoosh.codec import whoosh3
from whoosh.fields import TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.reading import SegmentReader
from whoosh.util.numeric import byte_to_length

# Decoded posting lists kept per index generation (ids + scores, 8 bytes a posting). The common
# terms of a corpus recur in most queries; this bounds the memory they may take.
POSTINGS_CACHE_MB = 64

Ids = npt.NDArray[np.int32]  # sorted document numbers
Floats = npt.NDArray[np.float32]
Mask = npt.NDArray[np.bool_]
Sparse = tuple[Ids, Floats]  # sorted document numbers, and a score for each
# a cached posting list: ids, and their BM25F scores (None until a search scores the term)
_Cached = tuple[Ids, Floats | None]


def _nbytes(cached: _Cached) -> int:
    return cached[0].nbytes + (cached[1].nbytes if cached[1] is not None else 0)


def _length_column(field: str) -> str:
    return f"_{field}_len"  # the column Whoosh's W3 codec keeps a field's lengths in (whoosh3._lenfield)


class Postings:
    """The posting lists of one index generation as numpy arrays, and BM25F scores computed from them.

    Whoosh (W3 codec) stores a posting list in blocks of up to 128 postings, each block a pickled,
    compressed tuple of delta-coded document numbers and weights (term frequency times the field's
    boost). ``_block_postings`` decodes a whole block at a time; anything else (another codec, a
    segment with deletions) falls back to Whoosh's public matcher API, one posting at a time.
    Decoded posting lists are kept in a cache of at most ``budget_bytes``.
    """

    K1, B = 1.2, 0.75  # whoosh.scoring.BM25F's defaults, which the index was searched with before

    def __init__(self, searcher: Any, budget_bytes: int) -> None:
        self._searcher = searcher
        reader = searcher.reader()
        self._leaves: list[tuple[Any, int]] = list(reader.leaf_readers())
        self.size: int = reader.doc_count_all()
        self.live: Mask = np.ones(self.size, dtype=bool)
        for leaf, offset in self._leaves:
            if leaf.has_deletions():
                self.live[offset : offset + leaf.doc_count_all()] = False
                self.live[[offset + d for d in leaf.all_doc_ids()]] = True
        self._lengths: dict[str, Floats] = {}
        self._cache: OrderedDict[tuple[str, str], _Cached] = OrderedDict()
        self._cached_bytes = 0
        self._budget = budget_bytes

    # -- reading ----------------------------------------------------------------------------------

    def ids(self, field: str, text: str) -> Ids:
        """Sorted numbers of the documents that have ``text`` in ``field``."""
        return self._cached(field, text, scored=False)[0]

    def scores(self, field: str, text: str) -> Sparse:
        """Documents with ``text`` in ``field`` and their BM25F score for it (field boost included)."""
        ids, scores = self._cached(field, text, scored=True)
        if scores is None:  # _cached scores what it is asked to
            raise AssertionError(f"{field}:{text} was not scored")
        return ids, scores

    def _cached(self, field: str, text: str, scored: bool) -> _Cached:
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

    def _store(self, key: tuple[str, str], entry: _Cached) -> None:
        if (old := self._cache.pop(key, None)) is not None:
            self._cached_bytes -= _nbytes(old)
        if _nbytes(entry) > self._budget:
            return
        self._cache[key] = entry
        self._cached_bytes += _nbytes(entry)
        while self._cached_bytes > self._budget:
            self._cached_bytes -= _nbytes(self._cache.popitem(last=False)[1])

    def read(self, field: str, text: str, fast: bool = True) -> tuple[Ids, Floats]:
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

    def lengths(self, field: str, fast: bool = True) -> Floats:
        """Every document's length in ``field``, as Whoosh stores it (one byte, decoded)."""
        if fast and field in self._lengths:
            return self._lengths[field]
        parts = []
        for leaf, _ in self._leaves:
            count = leaf.doc_count_all()
            column = None
            if fast:
                per_doc = getattr(leaf, "_perdoc", None)
                column = getattr(per_doc, "_cached_reader", lambda *_: None)(
                    _length_column(field), whoosh3.LENGTHS_COLUMN
                )
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

    def _bm25f(self, field: str, text: str, ids: Ids, weights: Floats) -> Floats:
        """whoosh.scoring.BM25FScorer over a whole posting list (the same formula and statistics)."""
        searcher = self._searcher
        if not searcher.schema[field].scorable:
            return weights  # Whoosh scores unscorable fields by weight alone
        idf: float = searcher.idf(field, text)
        avgfl: float = searcher.avg_field_length(field) or 1
        lengths = self.lengths(field)[ids].astype(np.float64)
        w = weights.astype(np.float64)
        k1, b = self.K1, self.B
        return (idf * (w * (k1 + 1)) / (w + k1 * ((1 - b) + b * lengths / avgfl))).astype(np.float32)


def _block_postings(matcher: Any) -> tuple[npt.NDArray[np.int64], Floats]:
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


def _matcher_postings(matcher: Any) -> tuple[npt.NDArray[np.int64], Floats]:
    """Any Whoosh matcher, one posting at a time (the slow, public way)."""
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32)


# byte_to_length for every byte value: Whoosh keeps field lengths as one lossy byte a document
_LENGTH_OF_BYTE = np.array([byte_to_length(b) if b else 0 for b in range(256)], dtype=np.float32)


class Facet:
    """The values of one facet field and which documents have them, to count any set of documents.

    A field with one value a document (type, component) keeps a value number per document and counts
    with one ``bincount``; a field with several (audience) keeps one mask per value.
    """

    def __init__(self, reader: Any, name: str, postings: Postings) -> None:
        self.values: list[str] = []
        members: list[Ids] = []
        for raw in reader.lexicon(name):
            value = raw.decode() if isinstance(raw, bytes) else str(raw)
            if value:
                self.values.append(value)
                members.append(postings.ids(name, value))
        self.codes: npt.NDArray[np.int32] | None = None
        self.masks: list[Mask] = []
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

    def count(self, docs: npt.NDArray[np.intp]) -> dict[str, int]:
        """How many of ``docs`` have each value (values none of them has are left out)."""
        if self.codes is not None:
            counts = np.bincount(self.codes[docs], minlength=len(self.values) + 1)[1:]
        else:
            counts = np.array([np.count_nonzero(mask[docs]) for mask in self.masks], dtype=np.int64)
        return {self.values[i]: int(counts[i]) for i in np.flatnonzero(counts)}


# -- the private Whoosh names above -------------------------------------------------------------

_MATCHER_METHODS = ("_read_data", "_goto")  # on whoosh.codec.whoosh3.W3LeafMatcher
_MATCHER_STATE = ("_byteids", "_data", "_lastblock", "_nextoffset")  # set by its methods, per matcher
_COLUMN_STATE = ("_fixedlen", "_dbfile", "_basepos", "_count")  # a lengths column's reader


def _missing_internals() -> list[str]:
    """The private Whoosh names this module uses that the installed Whoosh lacks, checked on the classes
    and, for what only instances have, on a one-document index in memory."""
    matcher_class = "whoosh.codec.whoosh3.W3LeafMatcher"
    missing = [f"{matcher_class}.{name}" for name in _MATCHER_METHODS if not hasattr(whoosh3.W3LeafMatcher, name)]
    if not hasattr(whoosh3.W3PerDocReader, "_cached_reader"):
        missing.append("whoosh.codec.whoosh3.W3PerDocReader._cached_reader")
    if missing:
        return missing  # the probe below would only fail on them
    try:
        ix = RamStorage().create_index(Schema(probe=TEXT(phrase=False)))
        with ix.writer(compound=False) as writer:
            writer.add_document(probe="probe words")
        with ix.reader() as reader:
            if not isinstance(reader, SegmentReader) or not hasattr(reader, "_perdoc"):
                return ["whoosh.reading.SegmentReader._perdoc"]
            if not isinstance(reader._perdoc, whoosh3.W3PerDocReader):
                return [f"whoosh.codec.whoosh3.W3PerDocReader as the reader's _perdoc (got {type(reader._perdoc)})"]
            column = reader._perdoc._cached_reader(_length_column("probe"), whoosh3.LENGTHS_COLUMN)
            if column is None:
                missing.append(f"the lengths column {_length_column('probe')!r} of a W3 segment")
            else:
                column_class = f"{type(column).__module__}.{type(column).__qualname__}"
                missing += [f"{column_class}.{name}" for name in _COLUMN_STATE if not hasattr(column, name)]
            matcher = reader.postings("probe", "probe")
            if type(matcher) is not whoosh3.W3LeafMatcher:
                return [*missing, f"{matcher_class} as a W3 segment's matcher (got {type(matcher)})"]
            matcher._read_data()
            missing += [f"{matcher_class}.{name}" for name in _MATCHER_STATE if not hasattr(matcher, name)]
            data = getattr(matcher, "_data", None)
            if data is not None and not (isinstance(data, tuple) and len(data) == 3):
                missing.append(f"{matcher_class}._data as an (ids, weights, values) tuple")
    except Exception as exc:  # an internal that changed shape rather than disappeared
        missing.append(f"a working W3 codec read ({type(exc).__name__}: {exc})")
    return missing


def check_whoosh_internals() -> None:
    """Raise a RuntimeError naming every private Whoosh name ``Postings`` relies on that is missing."""
    missing = _missing_internals()
    if missing:
        raise RuntimeError(
            f"painguide.search.postings relies on private Whoosh names that Whoosh {whoosh.versionstring()} "
            f"lacks: {', '.join(missing)}. Pin the Whoosh version this was written for (whoosh-reloaded 2.7.5) "
            "or update painguide/search/postings.py."
        )
