"""painguide.search.spelling: the vectorized distance agrees with the plain one, word for word."""

from __future__ import annotations

import random

from painguide.search.spelling import Speller


def _osa(a: str, b: str) -> int:
    """Optimal string alignment distance, the plain way: the reference for the vectorized speller."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[len(b)]


def test_speller_finds_exactly_the_closest_words():
    rng = random.Random(7)
    letters = "abcdeilmnoprstu"
    words = sorted({"".join(rng.choice(letters) for _ in range(rng.randint(4, 12))) for _ in range(600)})
    speller = Speller(words)
    for _ in range(80):
        word = list(rng.choice(words))
        for _ in range(rng.randint(0, 3)):  # delete, insert, replace or swap letters
            i = rng.randrange(len(word))
            edit = rng.choice("dirs")
            if edit == "d" and len(word) > 2:
                del word[i]
            elif edit == "i":
                word.insert(i, rng.choice(letters))
            elif edit == "r":
                word[i] = rng.choice(letters)
            elif i + 1 < len(word):
                word[i], word[i + 1] = word[i + 1], word[i]
        typo = "".join(word)
        distances = {w: _osa(typo, w) for w in words}
        best = min(distances.values())
        for maxdist in (1, 2):
            expected = sorted(w for w, d in distances.items() if d == best) if best <= maxdist else []
            got, distance = speller.closest(typo, maxdist)
            assert sorted(got) == expected, (typo, maxdist)
            if expected:
                assert distance == best


def test_speller_counts_a_swap_as_one_edit():
    speller = Speller(["physical", "physician", "tylenol"])
    assert speller.closest("physcial", 2) == (["physical"], 1)
    assert speller.closest("tyelnol", 1) == (["tylenol"], 1)
    assert speller.closest("zzzzzz", 2)[0] == []
    assert Speller([]).closest("word", 2)[0] == []


def test_speller_rows_agree_with_the_plain_distance_across_lengths():
    # each row of the table is taken whole (a running minimum for insertions): words far shorter and longer
    # than the query, digits, repeated letters and swaps at either end
    words = ["a", "ab", "ba", "abc", "b12", "12b", "aaaa", "aaab", "abab", "baba", "x" * 20, "mme", "emm", "opioids"]
    speller = Speller(words)
    for typo in ["ab", "abb", "bab", "aaa", "aabab", "b21", "1b2", "x" * 18, "x" * 22, "mem", "meem", "opiodis", "z"]:
        distances = {w: _osa(typo, w) for w in words}
        best = min(distances.values())
        for maxdist in (1, 2):
            expected = sorted(w for w, d in distances.items() if d == best) if best <= maxdist else []
            assert sorted(speller.closest(typo, maxdist)[0]) == expected, (typo, maxdist)
