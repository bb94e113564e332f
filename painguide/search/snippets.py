"""A result's snippet: the best fragments of one stored field, matches in <mark>, the rest escaped.

The fragments are exactly those of Whoosh's highlighter as the index used it before (``ContextFragmenter``
with maxchars=160, surround=60, ``BasicFragmentScorer``, the top 2 in text order; a test compares the two
on the real corpus), computed from each field's words tokenized once per document (``Words``) instead of
re-tokenizing the stored text for every hit: Whoosh's fragmenter walks every token of the text in Python,
and that was ~70% of an uncached query (measured: 1.9 of 2.5 ms a query under cProfile, real corpus).
"""

from __future__ import annotations

import bisect
import functools
import html
import re
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from painguide.search.analysis import stems

SUMMARY_FALLBACK_CHARS = 200  # the summary's start, when no stored field has a match
MAX_CHARS, SURROUND = 160, 60  # a fragment's size and the context around its matches (ContextFragmenter)
CHAR_LIMIT = 2**15  # text past this is never excerpted (whoosh.highlight.DEFAULT_CHARLIMIT)
TOP_FRAGMENTS = 2
BETWEEN = " … "
# The words snippets mark: Whoosh's default tokenizer pattern without its "*" (which it keeps for wildcards).
_TOKEN = re.compile(r"\w+(\.?\w+)*")
# Each distinct word of stored text is stemmed once, across documents: words recur from one to the next.
_word_stems = functools.lru_cache(maxsize=2**16)(stems)


@dataclass(frozen=True)
class Words:
    """One stored field's words (``_TOKEN``): character spans, and for each index term the positions of the
    words that are exactly that term (a word is marked when its term is a mark)."""

    text: str
    starts: array[int]  # arrays, not lists of boxed ints: 4 bytes a number instead of ~36
    ends: array[int]
    at: dict[str, tuple[int, ...]]
    end_at_limit: int | None  # the end of the first token past CHAR_LIMIT (the fragmenter stops there)

    @classmethod
    def of(cls, text: str) -> Words:
        starts, ends = array("i"), array("i")
        at: dict[str, list[int]] = {}
        end_at_limit = None
        for match in _TOKEN.finditer(text):
            start, end = match.span()
            if end > CHAR_LIMIT:
                end_at_limit = end
                break
            terms = _word_stems(match.group().lower())
            if len(terms) == 1:
                at.setdefault(terms[0], []).append(len(starts))
            starts.append(start)
            ends.append(end)
        return cls(text, starts, ends, {term: tuple(at[term]) for term in at}, end_at_limit)

    def fragments(self, marks: frozenset[str]) -> list[tuple[int, int, list[int]]]:
        """Whoosh's ContextFragmenter.fragment_tokens over these tokens: (start, end, matched tokens) of
        every fragment. Runs of unmatched tokens outside a fragment are skipped in one step (there the
        fragmenter only tracks where the context before the next match may start). Inside a fragment the
        tokens are walked one by one: skipping those too saved ~1.5 us a call (of ~8; measured)."""
        matched = sorted(i for term in marks & self.at.keys() for i in self.at[term])
        if not matched:
            return []
        starts, ends, count = self.starts, self.ends, len(self.starts)
        is_matched = set(matched)
        out: list[tuple[int, int, list[int]]] = []
        first: int | None = None
        countdown, current, tokens, after, next_match, i = -1, 0, [], 0, 0, 0
        while i < count:
            if countdown < 0:
                while next_match < len(matched) and matched[next_match] < i:
                    next_match += 1
                if next_match == len(matched):
                    break  # no match left: the fragmenter would only buffer context to the end
                i = matched[next_match]
            start, end = starts[i], ends[i]
            length = end - start
            if current + length > MAX_CHARS:
                countdown = 0
            elif i in is_matched:
                countdown = SURROUND
                if first is None:
                    # the earliest unmatched token since the last fragment still within SURROUND of this one
                    at = bisect.bisect_left(starts, ends[i - 1] - SURROUND, after, i) if i > after else i
                    if at < i:
                        first = starts[at]
                    else:
                        first = start
                        countdown += SURROUND
                tokens.append(i)
            if countdown >= 0:
                current += length
                countdown -= length
                if countdown <= 0:
                    out.append((first if first is not None else 0, end, tokens))
                    tokens, first, current, after = [], None, 0, i + 1
            i += 1
        if tokens:
            last = self.end_at_limit if self.end_at_limit is not None else ends[-1]
            out.append((first if first is not None else 0, min(len(self.text), last), tokens))
        return out

    def highlight(self, marks: frozenset[str]) -> str:
        """The best fragments with ``marks`` marked ("" when none of them is here), as Whoosh's
        top_fragments(…, 2, BasicFragmentScorer(), FIRST) and formatter would give them."""
        text = self.text
        scored = []
        for start, end, tokens in self.fragments(marks):
            # BasicFragmentScorer: the matches, times 100 a distinct matched word (as written)
            distinct = len({text[self.starts[t] : self.ends[t]] for t in tokens})
            scored.append((float(len(tokens)) * (distinct * 100 or 1), start, end, tokens))
        # heapq.nlargest on (score, Fragment): ties go to the later fragment (Fragment.__lt__ is by start)
        best = sorted(scored, key=lambda f: (f[0], f[1]), reverse=True)[:TOP_FRAGMENTS]
        best = sorted((f for f in best if f[0] >= 1), key=lambda f: f[1])
        return BETWEEN.join(self._format(start, end, tokens) for _, start, end, tokens in best)

    def _format(self, start: int, end: int, tokens: list[int]) -> str:
        text, output, index = self.text, [], start
        for t in tokens:
            s, e = self.starts[t], self.ends[t]
            if s < index:
                continue
            if s > index:
                output.append(html.escape(text[index:s]))
            output.append(f"<mark>{html.escape(text[s:e])}</mark>")
            index = e
        output.append(html.escape(text[index:end]))
        return "".join(output)


@dataclass(frozen=True)
class SnippetSource:
    """What a hit's snippet is made from: its stored fields, and the words of those it excerpts (each
    tokenized the first time a snippet needs it: most snippets come from the summary)."""

    stored: Mapping[str, Any]
    words: dict[str, Words] = field(default_factory=dict)

    def words_of(self, name: str) -> Words:
        if (words := self.words.get(name)) is None:
            words = self.words[name] = Words.of(self.stored[name])
        return words

    def snippet(self, marks: frozenset[str], patient: bool, has_match: Callable[[str], bool]) -> str:
        """From the patient layer first when a patient is searching, else the summary first.

        ``has_match(field)`` says whether the document has one of ``marks`` in that field as the index
        analyzed it: the posting lists know. (Whoosh's tokenizer keeps "*" in a word, so "**Aimovig**" in a
        layer is one index term, and its snippet tokens are not the index's terms.)
        """
        for name in ("patient", "summary") if patient else ("summary", "patient"):
            if self.stored.get(name) and has_match(name) and (snippet := self.words_of(name).highlight(marks)):
                return snippet
        return html.escape(self.stored["summary"][:SUMMARY_FALLBACK_CHARS])
