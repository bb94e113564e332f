"""Make `related` links go both ways: for every entry A that lists B (or a condition that names treatment B
as a first-line option), add A to B's `related` list if it is missing. Edits the YAML text in place (the
list's own style, block or flow, is kept), so comments and formatting survive. Idempotent.

Usage: python scripts/backlinks.py [--only ID ...] [DIR]   (default: guidelines)
  --only: just the links from or to these entries (e.g. the ones a change added)
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from painguide.content.schema import ConditionEntry, EntryBase
from painguide.content.validate import load

MAX_RELATED = EntryBase.model_fields["related"].metadata[0].max_length  # the schema's limit


def _add(path: Path, new: list[str]) -> None:
    text = path.read_text(encoding="utf-8")
    flow = re.search(r"^related: \[(.*)\]\s*$", text, re.MULTILINE)
    if flow:
        items = [i.strip() for i in flow.group(1).split(",") if i.strip()] + new
        text = text[: flow.start()] + f"related: [{', '.join(items)}]" + text[flow.end() :]
    else:
        block = re.search(r"^related:\n((?:  - .*\n)+)", text, re.MULTILINE)
        if block is None:  # no related list yet: add one before sources
            text = text.replace("\nsources:", "\nrelated:\n" + "".join(f"  - {i}\n" for i in new) + "sources:", 1)
        else:
            text = text[: block.end()] + "".join(f"  - {i}\n" for i in new) + text[block.end() :]
    path.write_text(text, encoding="utf-8")


def main(root: Path, only: set[str] | None = None) -> int:
    catalog = load(root)

    def links(entry_id: str) -> list[str]:
        """An entry's related ids, and a condition's first-line treatments (which link it back)."""
        entry = catalog.entries[entry_id]
        found = list(entry.related)
        if isinstance(entry, ConditionEntry):
            found += [o.entry for o in entry.clinician.first_line if catalog.entries[o.entry].type == "treatment"]
        return list(dict.fromkeys(found))

    wanted: dict[str, list[str]] = {}
    for entry_id in catalog.entries:
        for target in links(entry_id):
            if only is not None and entry_id not in only and target not in only:
                continue
            if entry_id not in links(target) and entry_id not in wanted.get(target, []):
                wanted.setdefault(target, []).append(entry_id)
    for target, new in sorted(wanted.items()):
        room = MAX_RELATED - len(catalog.entries[target].related)
        if len(new) > room:
            print(f"{target}: only {room} of {len(new)} back-links fit: {new[room:]} left out", file=sys.stderr)
        if new[:room]:
            _add(catalog.paths[target], new[:room])
            print(f"{target}: + {', '.join(new[:room])}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", default="guidelines", type=Path)
    parser.add_argument("--only", nargs="+", metavar="ID")
    args = parser.parse_args()
    sys.exit(main(args.dir, set(args.only) if args.only else None))
