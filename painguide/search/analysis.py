"""How text becomes index terms: the analyzers, the index schema, and ``normalize`` for queries and synonyms.

The analysis runs in the index writer's processes (see writer.py) and again on every query, so the
terms a query looks for are exactly the terms the index holds.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Filter, StemmingAnalyzer
from whoosh.analysis.filters import STOP_WORDS as WHOOSH_STOP_WORDS
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from painguide.search.tuning import BOOSTS

# Question words carry no topic ("what is …", "how do I …"); dropping them keeps BM25 on the topic.
STOP_WORDS = frozenset(WHOOSH_STOP_WORDS) | {
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
ANALYZER = StemmingAnalyzer(stoplist=STOP_WORDS, minsize=1)
# Titles and aliases once more with every word kept: some names are questions ("Support team
# membership: who should be on the team?"), and there "who" is the word that tells them apart.
WORDING_ANALYZER = StemmingAnalyzer(stoplist=None, minsize=1)
# Field boosts (tuning.BOOSTS): names a person types above the summary above the body text.
# The audience layers are searched as one `body` field: a term costs one posting list, not three
# (measured: the per-field layers made uncached queries on large corpora ~1.5x slower).
SEARCH_FIELDS = tuple(BOOSTS)
# The fields searched instead for audience=patient: names, the summary and the patient layer only.
PATIENT_SEARCH_FIELDS = ("title", "aliases", "summary", "patient")
# Phrases are matched in names (title + aliases) and the summary only, as word pairs (below).
PHRASE_FIELDS = ("names", "summary")


class PairFilter(Filter):  # type: ignore[misc]  # Whoosh is untyped: its classes are Any to mypy
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


def normalize(text: str) -> str:
    """Lowercase, accents folded, punctuation to spaces: the form queries and synonyms share."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(_WORD.findall(folded))


def stems(text: str, *, keep_stop_words: bool = False) -> tuple[str, ...]:
    """The index terms of ``text``: stop words dropped (unless ``keep_stop_words``, as in ``wording``),
    stemmed. ``text`` is analyzed as given: pass ``normalize(text)`` for user input and names, the
    raw words of stored text for snippets (which mark what Whoosh's tokenizer sees there)."""
    analyzer = WORDING_ANALYZER if keep_stop_words else ANALYZER
    return tuple(token.text for token in analyzer(text))


@functools.lru_cache(maxsize=2**16)
def _word_terms(word: str, keep_stop_words: bool) -> tuple[str, ...]:
    return stems(word, keep_stop_words=keep_stop_words)


def query_terms(normalized: str, *, keep_stop_words: bool = False) -> tuple[str, ...]:
    """``stems(normalized)`` for ``normalize`` output, each distinct word analyzed once: its words are
    [a-z0-9]+, one token each, so the text's terms are its words' terms in order. Whoosh's analyzer chain
    costs ~15 us a call and a query planned ~5 of them (measured on the real corpus's query set)."""
    return tuple(term for word in normalized.split() for term in _word_terms(word, keep_stop_words))
