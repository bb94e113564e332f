"""The weights and rules that shape a query's ranking, for both search engines, in one place.

The API ranks with BM25F and the planner in plan.py; the site's offline engine (the header box opened from
disk: docs/assets/javascripts/search-engine.js, with search-worker.js and widget.js) ranks with MiniSearch
and reads ``OFFLINE`` below, which the build writes into the site (painguide/site/search_index.py). No
JavaScript file holds a copy (tests/search/test_tuning.py greps them), and the top 3 of every query in
tests/search_eval/queries.yaml, for both engines, is pinned in tests/search_eval/golden.json: a change
here that reorders any of them fails tests/search/test_search_golden.py until `make golden` re-records it.

Measured with that file (real corpus, 308 queries), the queries whose top 3 changes when one value is
turned off (or moved as shown) -- none is dead weight:

* API: title boost 6 -> 1: 41; name bonus 40 -> 0: 10; name part bonus 20 -> 0: 19; synonym boost
  1.5 -> 0: 97; phrase boost 3 -> 0: 4; question boost 2 -> 0: 26; question share 0.1 -> 1: 34;
  coordination off (floor 1): 90; typo minimum 4 -> 5: 4; two edits from 6 -> 7: 1.
* offline: title boost 6 -> 1: 97; synonym boost 1.5 -> 0: 143; name boost 3 -> 1: 7; pair boost 1 -> 0:
  46; prefix weight 0.6 -> 0: 64; fuzzy weight 1 -> 0.3: 9; typo minimum 4 -> 5: 3; two edits from 7 -> 6: 2.

NAME_MAX_DOCS alone changes nothing there (no name of the real corpus names more than two pages): it is a
cost guard, kept for large corpora (bench/synth.py shares real aliases among thousands of pages, and each
owner of a name is one more bonus part of every query that contains it).
"""

from __future__ import annotations

from typing import Final

from painguide.content.kinds import MAX_QUERY_LENGTH

# --- Both engines ----------------------------------------------------------------------------------
# Field boosts: names a person types (title, aliases) above the summary above the body text (the
# audience layers, one `body` field in the API, `text` offline).
BOOSTS: Final = {"title": 6.0, "aliases": 5.0, "summary": 2.0, "body": 1.0}
SYNONYM_BOOST: Final = 1.5  # a glossary synonym of a query span (the best one per span counts)
TYPO_MIN_LENGTH: Final = 4  # shorter words are never spelling-corrected (too many near neighbours)

# --- The API only (plan.py, ranking.py): scores are BM25F sums, so these are relative weights -----------
PHRASE_BOOST: Final = 3.0  # the whole query as a phrase in a title, an alias or the summary
QUESTION_BOOST: Final = 2.0  # a stop word of the query ("who", "how", "should") in a title or alias ...
QUESTION_MAX_SHARE: Final = 0.1  # ... unless more than this share of documents has it there ("and", "the")
# A flat bonus, added: the query is exactly a document's title or one of its aliases ...
NAME_BONUS: Final = 40.0
NAME_PART_BONUS: Final = 20.0  # ... or contains one (scaled by the share of the query it covers)
NAME_MAX_DOCS: Final = 25  # a name shared by more documents than this names none of them: no bonus
# Coordination: a document's score is scaled by COORD_FLOOR + (1 - COORD_FLOOR) * (share of the query's
# concepts it matches; a concept is a query term or any of its glossary synonyms), so "benzo with my pain
# pills" prefers the page about both over the one about pain pills only.
COORD_FLOOR: Final = 0.0
# A word the index has never seen is corrected by one edit, or two from this many letters (as typed).
TYPO_TWO_EDITS_FROM: Final = 6

# --- The offline engine only (MiniSearch's BM25, search-engine.js) --------------------------------------
# The engines differ on purpose where MiniSearch's scores differ from ours:
# * a page whose whole name is the query has its score *multiplied* by this, where the API *adds*
#   NAME_BONUS: MiniSearch's BM25 and the API's BM25F sums share no scale, so neither value fits the other;
OFFLINE_NAME_BOOST: Final = 3.0
# * adjacent query words written as one word in a name ("tai chi" -> "taichi"), in place of the API's
#   phrase parts (MiniSearch keeps no positions);
OFFLINE_PAIR_BOOST: Final = 1.0
# * two edits from 7 letters, not 6: MiniSearch matches every indexed word within the distance (a wider net
#   than the API's speller, which takes the closest word only). Measured, 6 here changes the third result of
#   two typo queries and no metric; 7 in the API loses "taichi" altogether (MRR@10 0.979 -> 0.976);
OFFLINE_TYPO_TWO_EDITS_FROM: Final = 7
# * the word being typed is searched as a prefix too, from this many letters, at this weight; a typo at
#   full weight (measured on 308 queries: typo MRR@10 0.900 at a fuzzy weight of 0.3, 0.978 at 1.0, no
#   other kind changed).
OFFLINE_PREFIX_MIN_LENGTH: Final = 2
OFFLINE_PREFIX_WEIGHT: Final = 0.6
OFFLINE_FUZZY_WEIGHT: Final = 1.0

# What the offline engine, its worker and the embeddable widget read, as the build writes it (JS names).
OFFLINE: Final[dict[str, float]] = {
    "maxQuery": MAX_QUERY_LENGTH,  # the API's limit: the worker and the widget cut queries to it
    "synonymBoost": SYNONYM_BOOST,
    "typoMinLength": TYPO_MIN_LENGTH,
    "typoTwoEditsFrom": OFFLINE_TYPO_TWO_EDITS_FROM,
    "nameBoost": OFFLINE_NAME_BOOST,
    "pairBoost": OFFLINE_PAIR_BOOST,
    "prefixMinLength": OFFLINE_PREFIX_MIN_LENGTH,
    "prefixWeight": OFFLINE_PREFIX_WEIGHT,
    "fuzzyWeight": OFFLINE_FUZZY_WEIGHT,
}
