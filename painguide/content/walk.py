"""Every string in a loaded document (YAML data or a model dump), with its path: the one walker that the
validator's page budget, the language rules and the search documents share."""

from __future__ import annotations

from collections.abc import Iterator

Path = tuple[str | int, ...]


def strings(value: object, loc: Path = ()) -> Iterator[tuple[Path, str]]:
    """(path, text) for every string under ``value``, depth first, in document order."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, (*loc, str(key)))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from strings(item, (*loc, i))


def texts(value: object) -> list[str]:
    """Every string under ``value``, in document order."""
    return [text for _, text in strings(value)]
