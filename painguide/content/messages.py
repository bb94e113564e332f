"""pydantic's validation errors as messages an author can act on, located with the YAML node's line."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

from painguide.content.kinds import DOCUMENT_TYPES
from painguide.content.problems import Problem, field_path
from painguide.content.source import line_of

_TAGS = set(DOCUMENT_TYPES)


def _message(error: Any) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    if len(shown) > 60:
        shown = shown[:57] + "...'"
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; guidelines/schema.json lists the allowed fields)"
    if kind == "literal_error":
        return f"{shown} is not one of {ctx.get('expected', '').replace(chr(39), '')}"
    if kind == "union_tag_invalid":
        return f"{ctx.get('tag')!r} is not one of {', '.join(sorted(_TAGS))}"
    if kind == "union_tag_not_found":
        return f"required field is missing (one of {', '.join(sorted(_TAGS))})"
    if kind.startswith("date"):
        return f"{shown} is not a valid date (write YYYY-MM-DD)"
    if kind == "string_pattern_mismatch" and "a-z0-9" in str(ctx.get("pattern", "")):
        return f"{shown} is not a slug (lowercase letters, digits and single hyphens)"
    message = str(error["msg"]).removeprefix("Value error, ")
    return message if kind == "value_error" else f"{message} (got {shown})"


def schema_problems(exc: ValidationError, node: yaml.Node, shown: str) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = list(error["loc"])
        if loc and loc[0] in _TAGS:  # the discriminated union's tag is not a real field
            loc = loc[1:]
        if error["type"].startswith("union_tag"):
            loc = ["type"]
        problems.append(Problem(shown, line_of(node, loc), field_path(loc) or None, _message(error)))
    return problems
