"""The header search box's data: the offline index the site ships (Material's lunr index is cut down by passes).

The box runs our worker (docs/assets/javascripts/search-worker.js), which asks the API when the site is
served by `painguide serve` and otherwise searches ``assets/javascripts/search-docs.js`` with MiniSearch.
``painguide.publish`` hands ``write_client_index`` the same documents, synonyms, stop words, field
boosts and word normalization the API's index is built from, and the offline engine's query-shaping
weights (painguide/search/tuning.py; this package may not import painguide.search), so both engines read
one catalog and no JavaScript file holds a copy of a weight or limit.

The file is a script that sets a global, not JSON: Chromium blocks ``fetch()`` from ``file://``. It is
data only: every string goes through ``json.dumps`` with ``<``, ``>``, ``&`` and U+2028/9 escaped, so no
content can close the script or run as code.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

CLIENT_INDEX = "assets/javascripts/search-docs.js"
GLOBAL = "PG_SEARCH"
# The weights and limits alone, for the worker and the embeddable widget: served, the worker asks the API
# and never loads the index (search-docs.js), but cuts queries to the API's limit (~300 bytes).
CLIENT_TUNING = "assets/javascripts/search-tuning.js"
TUNING_GLOBAL = "PG_SEARCH_TUNING"
FORMAT = 1
# Material's index, which only Material's lunr worker (not ours) would read: kept beside the site for
# `make eval`'s lunr baseline, while search_index.json keeps only its config (the on-page highlighter
# reads the separator from it). Measured on the real corpus: 1.38 MB raw / 266 kB gzip that every served
# page load fetched for nothing.
MATERIAL_INDEX = "search/search_index.json"
LUNR_INDEX = "search/lunr_index.json"
# The audience layers in one `text` field, as the API searches them as one `body` field.
_LAYERS = ("clinician", "patient", "trainer")
_KEPT = ("id", "type", "component", "audience", "url", "title", "aliases", "summary")
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(value: object) -> str:
    """``value`` as JSON that is safe inside a ``<script>`` (and in any JS engine): see the module doc."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def _distinct_words(text: str, stop_words: frozenset[str], normalize: Callable[[str], str]) -> str:
    # Each word of the layers once, stop words left out, sorted: the body is only found, never shown, one
    # occurrence finds it, and MiniSearch keeps no positions. Measured, search-docs.js gzip: 87 pages,
    # 165 kB as text, 84 kB as distinct words; 116 pages, 121 kB distinct, 104 kB sorted (gzip's runs).
    return " ".join(sorted({w for w in normalize(text).split() if w not in stop_words}))


def client_documents(
    documents: Iterable[Mapping[str, object]], stop_words: frozenset[str], normalize: Callable[[str], str]
) -> list[dict[str, str]]:
    """The fields the offline engine indexes and shows, from the API's index documents."""
    out = []
    for doc in documents:
        item = {key: str(doc[key]) for key in _KEPT}
        item["url"] = item["url"].lstrip("/")  # relative to the site root: file:// and any host prefix
        layers = "\n".join(str(doc[layer]) for layer in _LAYERS if doc.get(layer))
        item["text"] = _distinct_words(layers, stop_words, normalize)
        out.append(item)
    return out


def write_client_index(
    site_dir: Path,
    documents: Iterable[Mapping[str, object]],
    *,
    synonyms: Iterable[Iterable[str]],
    stop_words: Iterable[str],
    boosts: Mapping[str, float],
    tuning: Mapping[str, float],
    normalize: Callable[[str], str],
) -> Path:
    """Write ``search-docs.js`` (and ``search-tuning.js``) into the built site; returns the first's path.
    ``normalize`` is the API's (lowercase, accents folded, words of [a-z0-9]); ``tuning`` is
    ``painguide.search.OFFLINE_TUNING``."""
    stop = frozenset(stop_words)
    data = {
        "format": FORMAT,
        # the API's field names: body is the layers' text here
        "boost": {("text" if name == "body" else name): weight for name, weight in boosts.items()},
        "stopWords": sorted(stop),
        "tuning": dict(tuning),
        "synonyms": [sorted(group) for group in synonyms],
        "docs": client_documents(documents, stop, normalize),
    }
    target = site_dir / CLIENT_INDEX
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"globalThis.{GLOBAL}={script_json(data)};\n", encoding="utf-8")
    (site_dir / CLIENT_TUNING).write_text(
        f"globalThis.{TUNING_GLOBAL}={script_json(dict(tuning))};\n", encoding="utf-8"
    )
    return target
