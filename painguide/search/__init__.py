"""Full-text search over entries and modules with Whoosh.

Whoosh analyzes, writes and stores the index (segments, postings, stored fields, multi-process
builds). Queries are scored here, not by Whoosh's matchers: the posting blocks of each query term are
read into numpy arrays and scored with Whoosh's own BM25F formula (``whoosh.scoring.BM25F``; a test
checks the scores agree), a whole posting list at a time. Decoded posting lists are kept in a bounded cache,
and so are what queries keep asking of one index generation: term statistics, the analysis of query words,
corrections, and the stored fields and words of the documents shown; results only in the result cache.

The path of a query, one module a step: ``index`` (SearchIndex, the result cache) → ``plan`` (plain
text to terms, phrases, synonyms and name bonuses; spelling from ``spelling``) → ``ranking`` (BM25F
sums, filters, coordination, the page) over ``postings`` (posting lists as arrays, facets; the only
module that reads Whoosh's private names) → ``snippets``. The index is built by ``writer`` from
``documents``, both analyzed by ``analysis``. ``tuning`` holds the ranking weights of both engines (this one
and the site's offline MiniSearch), ``quality`` the search-quality metrics.
"""

from painguide.content.kinds import MAX_QUERY_LENGTH
from painguide.search.analysis import (
    PATIENT_SEARCH_FIELDS,
    SCHEMA,
    SEARCH_FIELDS,
    STOP_WORDS,
    PairFilter,
    normalize,
)
from painguide.search.documents import (
    IndexDocument,
    catalog_documents,
    entry_document,
    module_document,
    synonym_groups,
)
from painguide.search.index import Filters, Hit, IndexUnreadable, Results, SearchIndex, Suggestion
from painguide.search.plan import MAX_CORRECTED
from painguide.search.postings import check_whoosh_internals
from painguide.search.tuning import BOOSTS
from painguide.search.tuning import OFFLINE as OFFLINE_TUNING
from painguide.search.writer import INDEX_VERSION, build_index, index_version

# Whoosh pickles the schema, analyzers included, into every index: builds made before the split name this
# class `painguide.search.PairFilter`, and stay readable only while that name exists.
assert PairFilter.__module__ == "painguide.search.analysis"

__all__ = [
    "BOOSTS",
    "INDEX_VERSION",
    "MAX_CORRECTED",
    "MAX_QUERY_LENGTH",
    "OFFLINE_TUNING",
    "PATIENT_SEARCH_FIELDS",
    "SCHEMA",
    "SEARCH_FIELDS",
    "STOP_WORDS",
    "Filters",
    "Hit",
    "IndexDocument",
    "IndexUnreadable",
    "PairFilter",
    "Results",
    "SearchIndex",
    "Suggestion",
    "build_index",
    "catalog_documents",
    "check_whoosh_internals",
    "entry_document",
    "index_version",
    "module_document",
    "normalize",
    "synonym_groups",
]
