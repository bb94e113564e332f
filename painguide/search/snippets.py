"""A result's snippet: Whoosh's highlighter over one stored field, matches in <mark>, the rest escaped."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from whoosh import highlight
from whoosh.analysis import Token

from painguide.search.analysis import stems

SUMMARY_FALLBACK_CHARS = 200  # the summary's start, when no stored field has a match
_TOKEN = re.compile(r"\w+(\.?\w+)*")  # whoosh.analysis.RegexTokenizer's default pattern
# Each distinct word of stored text is stemmed once, across snippets: words recur from hit to hit.
_word_stems = functools.lru_cache(maxsize=2**16)(stems)


class _Mark(highlight.Formatter):  # type: ignore[misc]  # Whoosh is untyped: its classes are Any to mypy
    """Matches in <mark>, everything else HTML-escaped."""

    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"<mark>{html.escape(highlight.get_text(text, token, replace))}</mark>"

    def format_fragment(self, fragment: Any, replace: bool = False) -> str:
        """Whoosh's Formatter.format_fragment, with the text between matches escaped too (Whoosh's own
        hook for that is a private method; this keeps to its public API)."""
        output = []
        index = fragment.startchar
        text = fragment.text
        # overlapping tokens: by position, then longest first (the first one at a position is marked)
        for token in sorted(fragment.matches, key=lambda t: (t.startchar, -(t.endchar - t.startchar))):
            if token.startchar is None or token.startchar < index:
                continue
            if token.startchar > index:
                output.append(html.escape(text[index : token.startchar]))
            output.append(self.format_token(text, token, replace))
            index = token.endchar
        output.append(html.escape(text[index : fragment.endchar]))
        return "".join(output)


def _marked_tokens(text: str, marks: frozenset[str]) -> Iterator[Any]:
    """ANALYZER's tokens of ``text`` with their character spans, ``matched`` when their term is one of
    ``marks``: what Whoosh's highlighter analyzes, with each distinct word stemmed once."""
    token = Token(chars=True)
    for match in _TOKEN.finditer(text):
        token.startchar, token.endchar = match.span()
        token.text = match.group()
        terms = _word_stems(token.text.lower())
        token.matched = len(terms) == 1 and terms[0] in marks
        yield token


class Highlighter:
    """Whoosh's highlighter, set up for snippets: up to two fragments of ~160 characters, in text order."""

    def __init__(self) -> None:
        self._fragmenter = highlight.ContextFragmenter(maxchars=160, surround=60)
        self._formatter = _Mark()
        self._fragment_scorer = highlight.BasicFragmentScorer()

    def highlight(self, text: str, marks: frozenset[str]) -> str:
        """``text``'s best fragments with ``marks`` marked ("" when none of them is in it)."""
        tokens = _marked_tokens(text, marks)
        fragments = highlight.top_fragments(
            self._fragmenter.fragment_tokens(text, tokens), 2, self._fragment_scorer, highlight.FIRST
        )
        return str(self._formatter(text, fragments))

    def snippet(
        self, stored: Mapping[str, Any], marks: frozenset[str], patient: bool, has_match: Callable[[str], bool]
    ) -> str:
        """A hit's snippet: from the patient layer first when a patient is searching, else the summary first.

        ``has_match(field)`` says whether the document has one of ``marks`` in that field: the posting lists
        know, so only a field with a match is tokenized.
        """
        for name in ("patient", "summary") if patient else ("summary", "patient"):
            if stored.get(name) and has_match(name):
                snippet = self.highlight(stored[name], marks)
                if snippet:
                    return snippet
        return html.escape(stored["summary"][:SUMMARY_FALLBACK_CHARS])
