"""Full-text search over entries and modules with Whoosh. All query code lives in this module.

User input is always plain text: it is tokenized here and turned into query objects directly, never
handed to Whoosh's query parser, so no input can be a syntax error.
"""

from __future__ import annotations

import bisect
import html
import json
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import highlight, index, scoring, sorting
from whoosh.analysis import StemmingAnalyzer
from whoosh.analysis.filters import STOP_WORDS
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.query import And, DisjunctionMax, Or, Phrase, Query, Term
from whoosh.spelling import ListCorrector

from painguide import urls

MAX_QUERY_LENGTH = 256
# Question words carry no topic ("what is …", "how do I …"); dropping them keeps BM25 on the topic.
_STOP = frozenset(STOP_WORDS) | {
    "what", "how", "why", "when", "which", "who", "does", "do", "did", "is", "are", "my", "me", "i",
    "should", "can", "could", "would", "get", "about", "there", "any", "need", "someone", "help",
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

SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    type=ID(stored=True),
    component=ID(stored=True),
    audience=KEYWORD(commas=True, lowercase=True),
    tag=KEYWORD(commas=True, lowercase=True),
    url=STORED,
    title=TEXT(analyzer=ANALYZER, field_boost=BOOSTS["title"], stored=True),
    aliases=TEXT(analyzer=ANALYZER, field_boost=BOOSTS["aliases"]),
    summary=TEXT(analyzer=ANALYZER, field_boost=BOOSTS["summary"], stored=True),
    # No positions in the long fields: phrases are only matched in names and summary, and
    # positions there would make the index bigger and the build slower for nothing.
    body=TEXT(analyzer=ANALYZER, field_boost=BOOSTS["body"], phrase=False),
    # searched alone for audience=patient, and stored for patient snippets
    patient=TEXT(analyzer=ANALYZER, field_boost=1.0, stored=True, phrase=False),
    # Filled by build_index from title + aliases: phrases are matched in one field instead of two,
    # and `wording` also keeps the words ANALYZER drops (see WORDING_ANALYZER).
    names=TEXT(analyzer=ANALYZER),
    wording=TEXT(analyzer=WORDING_ANALYZER),
)
_WORD = re.compile(r"[a-z0-9]+")
META_FILE, WORDS_FILE, SUGGEST_FILE, SYNONYMS_FILE = "meta.json", "words.txt", "suggest.json", "synonyms.json"
NAMES_FILE = "names.json"
# Bumped whenever SCHEMA or the files beside the index change: an older build is rebuilt, not misread.
INDEX_VERSION = 2
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
# with my pain pills" prefers the page about both over the one about pain pills only. The best
# RERANK_POOL documents by BM25F are rescored (all of offset + limit when a page reaches deeper), the
# matched terms of each hit being already at hand (terms=True): no extra index reads.
COORD_FLOOR = 0.0
RERANK_POOL = 100


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
    writer = ix.writer(procs=procs, limitmb=limitmb, multisegment=procs > 1)
    words: set[str] = set()
    suggestions: dict[str, tuple[str, str, str, str]] = {}
    names: dict[str, list[str]] = {}
    count = 0
    try:
        for doc in documents:
            labels = [doc["title"], *filter(None, doc["aliases"].split(" ; "))]
            fields = {k: v for k, v in doc.items() if k not in {"clinician", "trainer"}}
            body = "\n".join(doc[layer] for layer in LAYERS if doc.get(layer))
            writer.add_document(**fields, body=body, names=" ; ".join(labels), wording=" ; ".join(labels))
            count += 1
            for label in labels:
                suggestions.setdefault(label.lower(), (label, doc["id"], doc["type"], doc["url"]))
                key = " ".join(_stems(label))
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


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: Levenshtein plus the swap of two adjacent letters."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[len(b)]


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

    def query(self) -> Query | None:
        terms = [Term(name, value.lower() if name in {"audience", "tag"} else value)
                 for name, value in vars(self).items() if value]
        return And(terms) if terms else None


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


@dataclass
class _Plan:
    query: Query | None
    suggestion: str | None = None
    fields: tuple[str, ...] = field(default_factory=tuple)
    # one set of index terms per query term: the term itself and the terms of its glossary synonyms
    concepts: tuple[frozenset[str], ...] = ()

    def coverage(self, matched: set[str]) -> float:
        if len(self.concepts) < 2:
            return 1.0
        return sum(not c.isdisjoint(matched) for c in self.concepts) / len(self.concepts)


class SearchIndex:
    """One open index generation: one searcher reused by every request, and a result cache.

    A new index is a new ``SearchIndex``; dropping the old one drops its cache with it.
    """

    def __init__(self, directory: Path, cache_size: int = 2048) -> None:
        self.directory = directory
        self._ix = index.open_dir(str(directory))
        self._searcher = self._ix.searcher(weighting=scoring.BM25F())
        self._lock = threading.Lock()  # Whoosh searchers are not documented as thread-safe
        self._cache: OrderedDict[tuple[Any, ...], Results] = OrderedDict()
        self._cache_size = cache_size
        self.documents = int(json.loads((directory / META_FILE).read_text())["documents"])
        self._words = (directory / WORDS_FILE).read_text(encoding="utf-8").split()
        self._corrector = ListCorrector(self._words)
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
        self._highlighter = highlight.Highlighter(
            fragmenter=highlight.ContextFragmenter(maxchars=160, surround=60), formatter=_Mark()
        )

    def close(self) -> None:
        with self._lock:
            self._searcher.close()
            self._ix.close()

    # -- query planning ---------------------------------------------------------------------------

    def _analyzed(self, text: str) -> list[str]:
        return [t.text for t in ANALYZER(text)]

    def _known(self, term: str, fields: Iterable[str]) -> bool:
        return any(self._searcher.doc_frequency(f, term) for f in fields)

    def _frequency(self, term: str, fields: Iterable[str]) -> int:
        return sum(self._searcher.doc_frequency(f, term) for f in fields)

    def _correct(self, words: list[str], fields: tuple[str, ...]) -> tuple[list[str], bool]:
        """Replace words the index has never seen by the closest known word (titles, aliases, summaries)."""
        corrected, changed = [], False
        for word in words:
            terms = self._analyzed(word)
            if word.isalpha() and len(word) > 3 and terms and not self._known(terms[0], fields) \
                    and tuple(terms) not in self._synonyms:
                # Levenshtein candidates, then the closest by optimal string alignment (a swap of two
                # letters is one edit: "physcial" is "physical", not "physician"), then the commonest.
                candidates = [c for c in self._corrector.suggest(word, limit=8, maxdist=2 if len(word) > 5 else 1)
                              if c not in _STOP]
                if candidates:
                    best = min(candidates, key=lambda c: (
                        _edit_distance(word, c), -self._frequency(self._analyzed(c)[0], fields), c))
                    corrected.append(best)
                    changed = True
                    continue
            corrected.append(word)
        return corrected, changed

    def _plan(self, text: str, fields: tuple[str, ...]) -> _Plan:
        """Plain text to one query: a sum of the parts below, each document scored by BM25F.

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
            return _Plan(None, suggestion, fields)
        phrase_fields = ("names", "summary")
        branches: list[Query] = [Or([Term(f, t) for f in fields]) for t in dict.fromkeys(terms)]
        if len(terms) > 1:
            branches += [Phrase(f, terms, slop=1, boost=PHRASE_BOOST) for f in phrase_fields]
        concepts = {t: {t} for t in terms}
        for span, alternatives in self._expansions(terms):
            for t in span:
                concepts[t].update(a for alt in alternatives for a in alt)
            options: list[Query] = []
            for alt in alternatives:
                options += [Term(f, alt[0]) if len(alt) == 1 else Phrase(f, list(alt)) for f in phrase_fields]
            branches.append(DisjunctionMax(options, boost=SYNONYM_BOOST))
        stopped = {t.text for t in WORDING_ANALYZER(" ".join(corrected))} - set(terms)
        common = QUESTION_MAX_SHARE * self.documents
        branches += [Term("wording", t, boost=QUESTION_BOOST) for t in sorted(stopped)
                     if self._searcher.doc_frequency("wording", t) <= common]
        for doc_id, bonus in self._named(terms).items():
            branches.append(Term("id", doc_id, boost=bonus))
        return _Plan(Or(branches), suggestion, fields, tuple(frozenset(c) for c in concepts.values()))

    def _spans(self, terms: list[str], longest: int) -> Iterator[tuple[str, ...]]:
        for n in range(min(longest, len(terms)), 0, -1):
            for i in range(len(terms) - n + 1):
                yield tuple(terms[i : i + n])

    def _expansions(self, terms: list[str]) -> list[tuple[tuple[str, ...], list[tuple[str, ...]]]]:
        """Each span of the query that is a glossary name, with its synonyms (at most 12 spans)."""
        found = [(span, self._synonyms[span]) for span in dict.fromkeys(self._spans(terms, self._longest_synonym))
                 if span in self._synonyms]
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
                return cached
            results = self._search(text, filters, limit, offset)
            self._cache[key] = results
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
            return results

    def _search(self, text: str, filters: Filters, limit: int, offset: int) -> Results:
        patient = filters.audience == "patient"
        fields = PATIENT_FIELDS if patient else tuple(BOOSTS)
        plan = self._plan(text, fields)
        if plan.query is None:
            return Results(text, 0, [], {f: {} for f in FACETS}, None)
        facets = {
            "type": sorting.FieldFacet("type"),
            "component": sorting.FieldFacet("component"),
            "audience": sorting.FieldFacet("audience", allow_overlap=True),
        }
        pool = max(offset + limit, RERANK_POOL)
        # Matched terms are only needed to rescore by coverage, which a one-concept query does not need.
        found = self._searcher.search(
            plan.query, filter=filters.query(), limit=pool, groupedby=facets,
            maptype=sorting.Count, terms=len(plan.concepts) > 1,
        )
        found.fragmenter = self._highlighter.fragmenter
        found.formatter = self._highlighter.formatter
        scored = []
        for position, hit in enumerate(found[:pool]):
            factor = 1.0
            if len(plan.concepts) > 1:
                matched = {t.decode() if isinstance(t, bytes) else t for f, t in hit.matched_terms() if f != "id"}
                factor = COORD_FLOOR + (1.0 - COORD_FLOOR) * plan.coverage(matched)
            scored.append((-hit.score * factor, position, hit))
        scored.sort(key=lambda row: row[:2])
        hits = [self._hit(hit, -negative, patient) for negative, _, hit in scored[offset : offset + limit]]
        counts = {
            name: {str(k): v for k, v in sorted(found.groups(name).items(), key=lambda kv: (-kv[1], str(kv[0]))) if k}
            for name in FACETS
        }
        return Results(text, len(found), hits, counts, plan.suggestion)

    @staticmethod
    def _hit(hit: Any, score: float, patient: bool) -> Hit:
        """A result with its snippet: from the patient layer first when a patient is searching."""
        snippet = ""
        for name in ("patient", "summary") if patient else ("summary", "patient"):
            snippet = hit.highlights(name, top=2)
            if snippet:
                break
        stored = hit.fields()
        return Hit(
            id=stored["id"], title=stored["title"], type=stored["type"],
            component=stored.get("component") or None, url=stored["url"],
            snippet=snippet or html.escape(stored["summary"][:200]), score=round(score, 3),
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

    def more_like(self, doc_id: str, text: str, exclude: Iterable[str] = (), limit: int = 5) -> list[str]:
        """Ids of documents most like ``text`` (an entry's own words), strongest first."""
        skip = {doc_id, *exclude}
        with self._lock:
            docnum = self._searcher.document_number(id=doc_id)
            if docnum is None:
                return []
            found = self._searcher.more_like(docnum, "body", text=text, top=limit + len(skip), numterms=12)
            return [h["id"] for h in found if h["id"] not in skip][:limit]
