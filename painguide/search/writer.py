"""Writing an index generation: Whoosh's segments, and the side files beside them (read back by ``read_side_files``).

Side files: the words the speller knows, the names ``suggest`` completes, the glossary's synonym
groups, the stems of every document name, and the document count with the ``INDEX_VERSION``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from whoosh import index

from painguide.search.analysis import SCHEMA, STOP_WORDS, normalize, stems
from painguide.search.documents import ALIAS_SEPARATOR, INDEXED_KEYS, LAYERS, IndexDocument

META_FILE, WORDS_FILE, SUGGEST_FILE, SYNONYMS_FILE = "meta.json", "words.txt", "suggest.json", "synonyms.json"
NAMES_FILE = "names.json"
# Bumped whenever SCHEMA or the files beside the index change: an older build is rebuilt, not misread.
INDEX_VERSION = 3

SuggestionRow = tuple[str, str, str, str]  # label, id, type, url


def _speller_words(text: str) -> Iterable[str]:
    return (w for w in text.split() if len(w) > 3 and w not in STOP_WORDS)


def build_index(
    documents: Iterable[IndexDocument],
    directory: Path,
    *,
    synonyms: Sequence[Sequence[str]] = (),
    procs: int = 1,
    limitmb: int = 128,
) -> int:
    """Write a fresh index (and its spelling, suggestion and synonym files) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(directory), SCHEMA)
    # compound=False: a segment's files stay separate. One compound file is memory-mapped when opened,
    # and the pages searches touch then count towards the server's resident memory (measured at 100k
    # documents: ~920 MB resident after opening, against ~320 MB with separate files).
    writer = ix.writer(procs=procs, limitmb=limitmb, multisegment=procs > 1, compound=False)
    words: set[str] = set()
    suggestions: dict[str, SuggestionRow] = {}
    names: dict[str, list[str]] = {}
    count = 0
    try:
        for doc in documents:
            labels = [doc["title"], *filter(None, doc["aliases"].split(ALIAS_SEPARATOR))]
            label_stems = [stems(normalize(label)) for label in labels]
            fields = {key: doc[key] for key in INDEXED_KEYS}
            body = "\n".join(doc[layer] for layer in LAYERS if doc[layer])
            joined = ALIAS_SEPARATOR.join(labels)
            writer.add_document(
                **fields, body=body, names=joined, wording=joined, names_pairs=joined, summary_pairs=doc["summary"]
            )
            count += 1
            for label, terms in zip(labels, label_stems, strict=True):
                suggestions.setdefault(label.lower(), (label, doc["id"], doc["type"], doc["url"]))
                key = " ".join(terms)
                if key and doc["id"] not in names.setdefault(key, []):
                    names[key].append(doc["id"])
            words.update(_speller_words(normalize(f"{doc['title']} {doc['aliases']} {doc['summary']}")))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    for group in synonyms:
        for name in group:
            words.update(_speller_words(name))
    (directory / WORDS_FILE).write_text("\n".join(sorted(words)), encoding="utf-8")
    rows = sorted(suggestions.values(), key=lambda row: (row[0].lower(), row[1]))
    (directory / SUGGEST_FILE).write_text(json.dumps(rows), encoding="utf-8")
    (directory / SYNONYMS_FILE).write_text(json.dumps([list(group) for group in synonyms]), encoding="utf-8")
    (directory / NAMES_FILE).write_text(json.dumps(names, sort_keys=True), encoding="utf-8")
    meta = {"documents": count, "version": INDEX_VERSION}
    (directory / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    return count


def index_version(directory: Path) -> int | None:
    """The INDEX_VERSION an index was built with (None when it is missing or predates versions)."""
    try:
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = meta.get("version") if isinstance(meta, dict) else None
    return version if isinstance(version, int) else None


@dataclass(frozen=True)
class SideFiles:
    """The files ``build_index`` writes beside the index, as read back by a searcher."""

    documents: int
    words: list[str]  # what the speller knows, sorted
    suggestions: list[SuggestionRow]  # sorted by label
    synonyms: list[list[str]]  # groups of equivalent names, normalized
    names: dict[str, list[str]]  # a document name's stems, space-joined -> the ids of the documents it names


def read_side_files(directory: Path) -> SideFiles:
    meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    suggestions = json.loads((directory / SUGGEST_FILE).read_text(encoding="utf-8"))
    synonyms = json.loads((directory / SYNONYMS_FILE).read_text(encoding="utf-8"))
    names_file = directory / NAMES_FILE
    names = json.loads(names_file.read_text(encoding="utf-8")) if names_file.exists() else {}
    return SideFiles(
        documents=int(meta["documents"]),
        words=(directory / WORDS_FILE).read_text(encoding="utf-8").split(),
        suggestions=[(label, doc_id, doc_type, url) for label, doc_id, doc_type, url in suggestions],
        synonyms=synonyms,
        names=names,
    )
