"""Spelling correction: the known words nearest to a misspelled one."""

from __future__ import annotations

import numpy as np


class Speller:
    """Known words closest to a misspelled one by optimal string alignment distance (Levenshtein plus
    the swap of two adjacent letters: "physcial" is one edit from "physical", two from "physician").

    Every known word is compared at once with numpy: words whose letter counts differ too much are
    dropped first (an edit changes at most two counts by one), and the distance table is filled for
    all the others together, one query letter by one word position at a time. Words are compared
    on lowercase ASCII letters and digits (``painguide.search.normalize`` output); other characters
    are left out.
    """

    _ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"

    def __init__(self, words: list[str]) -> None:
        self._code = {c: i + 1 for i, c in enumerate(self._ALPHABET)}
        self.words = words
        width = max((len(w) for w in words), default=1)
        table = np.zeros(256, dtype=np.uint8)  # ASCII byte -> letter code; 0 pads short words
        for c, i in self._code.items():
            table[ord(c)] = i
        raw = np.array([w.encode("ascii", "ignore") for w in words], dtype=f"S{width}")
        self._codes = table[raw.view(np.uint8).reshape(len(words), width)]
        self._counts = np.stack(
            [(self._codes == i).sum(axis=1, dtype=np.int16) for i in range(1, len(self._code) + 1)], axis=1
        )
        self._lengths = (self._codes > 0).sum(axis=1, dtype=np.int16)

    def closest(self, word: str, maxdist: int) -> tuple[list[str], int]:
        """The known words at the smallest distance from ``word`` (at most ``maxdist``), and that distance."""
        query = [self._code[c] for c in word if c in self._code]
        counts = np.zeros(self._counts.shape[1] + 1, dtype=np.int16)
        np.add.at(counts, query, 1)
        counts = counts[1:]  # letter codes start at 1
        near = (np.abs(self._lengths - len(word)) <= maxdist) & (
            np.abs(self._counts - counts).sum(axis=1) <= 2 * maxdist
        )
        rows = np.flatnonzero(near)
        if not len(rows):
            return [], maxdist + 1
        codes = self._codes[rows, : int(self._lengths[rows].max())]
        width = codes.shape[1]
        # One row of the distance table per query letter, each row whole: every cell but the insertion
        # (the cell to its left, plus one) is known from the rows above, and taking the insertions too is a
        # running minimum, row[j] = min over k <= j of (known[k] + j - k). Letter by letter, cell by cell,
        # a 13-letter typo took ~1 ms here (a numpy call per cell); row by row it takes ~0.1 ms.
        steps = np.arange(width + 1, dtype=np.int16)
        prev2 = prev = np.broadcast_to(steps, (len(rows), width + 1)).copy()
        for i in range(1, len(query) + 1):
            letter = query[i - 1]
            known = np.empty_like(prev)
            known[:, 0] = i
            known[:, 1:] = np.minimum(prev[:, 1:] + 1, prev[:, :-1] + (codes != letter))
            if i > 1:
                swap = (codes[:, :-1] == letter) & (codes[:, 1:] == query[i - 2])
                known[:, 2:] = np.where(swap, np.minimum(known[:, 2:], prev2[:, :-2] + 1), known[:, 2:])
            row = np.minimum.accumulate(known - steps, axis=1) + steps
            prev2, prev = prev, row
        distance = prev[np.arange(len(rows)), self._lengths[rows]]
        smallest = int(distance.min())
        if smallest > maxdist:
            return [], smallest
        return [self.words[r] for r in rows[distance == smallest]], smallest
