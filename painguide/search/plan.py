"""Plain text to a query plan: a sum of parts, each scoring documents by BM25F (scored in ranking.py).

User input is always plain text: it is tokenized here and turned into terms and phrases directly,
never handed to Whoosh's query parser, so no input can be a syntax error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from painguide.search.analysis import PHRASE_FIELDS, STOP_WORDS, normalize, query_terms
from painguide.search.spelling import Speller
from painguide.search.tuning import (
    NAME_BONUS,
    NAME_MAX_DOCS,
    NAME_PART_BONUS,
    PHRASE_BOOST,
    QUESTION_BOOST,
    QUESTION_MAX_SHARE,
    SYNONYM_BOOST,
    TYPO_MIN_LENGTH,
    TYPO_TWO_EDITS_FROM,
)

MAX_QUERY_WORDS = 32  # words of one query planned; the rest are dropped
MAX_CORRECTED = 6  # words of one query sent to the speller; the rest are searched as typed
MAX_REMEMBERED_CORRECTIONS = 50_000  # ~10 MB at most; forgotten all at once when full
MAX_SYNONYM_SPANS = 12  # spans of one query expanded with glossary synonyms
# The query-shaping weights (phrase, synonym, question and name boosts, typo rules) are in tuning.py.


# A plan is a sum of parts, each scoring documents (see Planner.plan).


@dataclass(frozen=True)
class TermPart:
    """BM25F of one index term in one field, times ``boost``."""

    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class PhrasePart:
    """Adjacent terms in a PHRASE_FIELDS field: the sum of their BM25F there, times ``boost``, for
    documents that have every adjacent pair of them (exact for two words, near enough for more)."""

    field: str
    words: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class BestPart:
    """The best-scoring option only, times ``boost`` (a disjunction-max, as Whoosh's DisjunctionMax)."""

    options: tuple[TermPart | PhrasePart, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class BonusPart:
    """A flat score for one document."""

    doc_id: str
    value: float


Part = TermPart | PhrasePart | BestPart | BonusPart


def words_of(part: TermPart | PhrasePart) -> tuple[str, ...]:
    return (part.text,) if isinstance(part, TermPart) else part.words


@dataclass
class Plan:
    parts: tuple[Part, ...] = ()
    suggestion: str | None = None
    # one set of index terms per query term: the term itself and the terms of its glossary synonyms
    concepts: tuple[frozenset[str], ...] = ()
    # every term the plan looks for, to mark in snippets
    marks: frozenset[str] = frozenset()


def spans(terms: list[str], longest: int) -> Iterator[tuple[str, ...]]:
    """Every run of adjacent terms, at most ``longest`` long, longest first."""
    for n in range(min(longest, len(terms)), 0, -1):
        for i in range(len(terms) - n + 1):
            yield tuple(terms[i : i + n])


class Planner:
    """Plans queries against one index generation: its term statistics (``doc_frequency(field, term)``),
    its document count, and the side files build_index wrote beside it.

    Not thread-safe (it remembers corrections): SearchIndex calls it under its lock.
    """

    def __init__(
        self,
        doc_frequency: Callable[[str, str], int],
        documents: int,
        words: list[str],
        synonym_groups: Iterable[Iterable[str]],
        names: dict[str, list[str]],
    ) -> None:
        self._doc_frequency = doc_frequency
        self._documents = documents
        self._speller = Speller(words)
        self._corrections: dict[tuple[str, tuple[str, ...]], str | None] = {}
        # Glossary synonyms and document names are matched on index terms (stems), so "sleeping
        # pills" finds the synonym "sleeping pill" and "muscle relaxers" the alias "muscle relaxer".
        self._synonyms: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for group in synonym_groups:
            keys = list(dict.fromkeys(k for k in (query_terms(normalize(name)) for name in group) if k))
            for key in keys:
                known = self._synonyms.setdefault(key, [])
                known.extend(k for k in keys if k != key and k not in known)
        self._longest_synonym = max((len(k) for k in self._synonyms), default=1)
        self._names: dict[tuple[str, ...], list[str]] = {tuple(k.split()): v for k, v in names.items()}
        self._longest_name = max((len(k) for k in self._names), default=1)

    def _known(self, term: str, fields: Iterable[str]) -> bool:
        return any(self._doc_frequency(f, term) for f in fields)

    def _frequency(self, term: str, fields: Iterable[str]) -> int:
        return sum(self._doc_frequency(f, term) for f in fields)

    def _correct(self, words: list[str], fields: tuple[str, ...]) -> tuple[list[str], bool]:
        """Replace words the index has never seen by the closest known word (titles, aliases, summaries).

        At most ``MAX_CORRECTED`` words a query go to the speller (a typo costs ~3 ms of CPU there; 32 of them
        made one query ~100 ms and, under load, starved everything else), and each word's correction is
        remembered for the life of the index.
        """
        corrected, changed, budget = [], False, MAX_CORRECTED
        for word in words:
            terms = query_terms(word)
            if (
                word.isalpha()
                and len(word) >= TYPO_MIN_LENGTH
                and terms
                and not self._known(terms[0], fields)
                and terms not in self._synonyms
            ):
                key = (word, fields)
                if key not in self._corrections and budget > 0:
                    budget -= 1
                    # The closest known words (a swap of two letters is one edit), then the commonest.
                    candidates, _ = self._speller.closest(word, maxdist=2 if len(word) >= TYPO_TWO_EDITS_FROM else 1)
                    candidates = [c for c in candidates if c not in STOP_WORDS]
                    best = (
                        min(candidates, key=lambda c: (-self._frequency(query_terms(c)[0], fields), c))
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

    def plan(self, text: str, fields: tuple[str, ...]) -> Plan:
        """Plain text to a plan: a sum of the parts below, each scoring documents by BM25F.

        * words the index has never seen are spelling-corrected first (``_correct``);
        * every query term in every searchable field (``fields``, weighted by their boosts);
        * the whole query as a phrase in names (title + aliases) or the summary;
        * glossary synonyms of any span of the query ("mme" -> "morphine milligram equivalent"): the
          best-scoring synonym of a span counts, so a long synonym list cannot pile up score;
        * the query's stop words ("who", "how often", "should") in names, where they are rare and
          tell question-titled pages apart ("who should be on the team?");
        * a flat bonus for documents one of whose names *is* the query, or is part of it ("nerve
          pain pills" is an alias of anticonvulsants; "pain pills" one of opioids).

        Ranking then scales each score by the share of query concepts the document matches.
        """
        words = normalize(text).split()[:MAX_QUERY_WORDS]
        corrected, changed = self._correct(words, fields)
        suggestion = " ".join(corrected) if changed else None
        terms = list(query_terms(" ".join(corrected)))
        if not terms:
            return Plan((), suggestion)
        parts: list[Part] = [TermPart(f, t) for t in dict.fromkeys(terms) for f in fields]
        if len(terms) > 1:
            parts += [PhrasePart(f, tuple(terms), PHRASE_BOOST) for f in PHRASE_FIELDS]
        concepts = {t: {t} for t in terms}
        for span, alternatives in self._expansions(terms):
            for t in span:
                concepts[t].update(a for alt in alternatives for a in alt)
            options: list[TermPart | PhrasePart] = []
            for alt in alternatives:
                options += [TermPart(f, alt[0]) if len(alt) == 1 else PhrasePart(f, alt) for f in PHRASE_FIELDS]
            parts.append(BestPart(tuple(options), SYNONYM_BOOST))
        stopped = set(query_terms(" ".join(corrected), keep_stop_words=True)) - set(terms)
        common = QUESTION_MAX_SHARE * self._documents
        parts += [
            TermPart("wording", t, QUESTION_BOOST)
            for t in sorted(stopped)
            if self._doc_frequency("wording", t) <= common
        ]
        parts += [BonusPart(doc_id, bonus) for doc_id, bonus in self._named(terms).items()]
        marks = frozenset[str]().union(*concepts.values())
        return Plan(tuple(parts), suggestion, tuple(frozenset(c) for c in concepts.values()), marks)

    def _expansions(self, terms: list[str]) -> list[tuple[tuple[str, ...], list[tuple[str, ...]]]]:
        """Each span of the query that is a glossary name, with its synonyms (at most MAX_SYNONYM_SPANS)."""
        found = [
            (span, self._synonyms[span])
            for span in dict.fromkeys(spans(terms, self._longest_synonym))
            if span in self._synonyms
        ]
        return found[:MAX_SYNONYM_SPANS]

    def _named(self, terms: list[str]) -> dict[str, float]:
        """Documents with a name that is the query (``NAME_BONUS``) or a part of it (scaled down)."""
        bonus: dict[str, float] = {}
        for span in dict.fromkeys(spans(terms, self._longest_name)):
            owners = self._names.get(span, ())
            if len(owners) > NAME_MAX_DOCS:
                continue
            weight = NAME_BONUS if len(span) == len(terms) else NAME_PART_BONUS * len(span) / len(terms)
            for doc_id in owners:
                bonus[doc_id] = max(bonus.get(doc_id, 0.0), weight)
        return bonus
