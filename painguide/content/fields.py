"""The field types every content model is built from: slugs, plain text, checked Markdown, summaries,
objectives, aliases, citations, and the strict base model (painguide.content.schema builds on these)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
)

from painguide.content import characters, markup

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

# Objectives must be observable; "understand" or "know" cannot be checked in a knowledge check.
MEASURABLE_VERBS: frozenset[str] = frozenset(
    [
        "analyze",
        "apply",
        "assess",
        "calculate",
        "choose",
        "classify",
        "compare",
        "complete",
        "conduct",
        "contrast",
        "create",
        "critique",
        "define",
        "demonstrate",
        "describe",
        "design",
        "develop",
        "differentiate",
        "discuss",
        "distinguish",
        "document",
        "estimate",
        "evaluate",
        "explain",
        "formulate",
        "identify",
        "implement",
        "interpret",
        "justify",
        "list",
        "locate",
        "match",
        "name",
        "outline",
        "plan",
        "practice",
        "prepare",
        "prioritize",
        "recall",
        "recognize",
        "recommend",
        "record",
        "relate",
        "report",
        "role-play",
        "screen",
        "select",
        "solve",
        "state",
        "summarize",
        "use",
        "write",
    ]
)

# Plain-text fields (titles, summaries, aliases, terms, question text...) reach HTML attributes, <title>, the
# nav and tooltips: they hold no markup and no line breaks (a newline in a title once spilled into the page
# body as a fake admonition). Markdown fields are checked by rendering and sanitizing them (painguide.content.markup).
MAX_MARKDOWN = 4000  # characters in one Markdown field; the longest today is about 1,100
MAX_TEXT = 1000  # characters in one plain-text field


def _plain(value: str) -> str:
    if "<" in value or ">" in value:
        raise ValueError(
            "'<' and '>' are not allowed in plain text (it is shown in page titles, menus and tooltips); "
            "write 'under', 'over' or 'at least' instead"
        )
    if "\n" in value or "\r" in value:
        raise ValueError("must be a single line (no line breaks)")
    if problem := characters.forbidden(value):  # also checked for every string at load (painguide.content.source)
        raise ValueError(problem)
    return value


def _safe_markdown(value: str, info: ValidationInfo) -> str:
    # Content read back from a build was checked when it was built; the server skips the render (context).
    if not (info.context or {}).get("trusted"):
        if problem := characters.forbidden(value):  # XML-invalid code points break the cartridges
            raise ValueError(problem)
        if problem := markup.markdown_problem(value):
            raise ValueError(problem)
    return value


def _one_or_two_sentences(value: str) -> str:
    # A summary is shown in lists and search results; longer text belongs in a layer.
    sentences = [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])", value.strip()) if s]
    if len(sentences) > 2:
        raise ValueError(f"a summary is 1-2 sentences, found {len(sentences)}")
    return value


def _measurable(value: str) -> str:
    verb = value.split(maxsplit=1)[0].lower().strip(",;:") if value.strip() else ""
    if verb not in MEASURABLE_VERBS:
        raise ValueError(
            f"an objective starts with a measurable verb (e.g. describe, explain, identify, "
            f"calculate, compare), not '{verb}'"
        )
    return value


def _string_to_source_ref(value: object) -> object:
    return {"id": value} if isinstance(value, str) else value


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=2, max_length=80)]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT), AfterValidator(_plain)
]
Markdown = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=10, max_length=MAX_MARKDOWN),
    AfterValidator(_safe_markdown),
]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=120), AfterValidator(_plain)]
Summary = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=30, max_length=400),
    AfterValidator(_plain),
    AfterValidator(_one_or_two_sentences),
]
Objective = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=15, max_length=300),
    AfterValidator(_plain),
    AfterValidator(_measurable),
]
SourceTitle = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=250), AfterValidator(_plain)
]
Alias = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=80), AfterValidator(_plain)]


class Strict(BaseModel):
    """Base for every stored shape: unknown keys are typos, so they are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceRef(Strict):
    """A citation: a source id from sources.yaml, optionally with where in it (a section, page)."""

    id: Slug
    locator: Text | None = Field(default=None, max_length=200)


SourceRefs = Annotated[
    list[Annotated[SourceRef, BeforeValidator(_string_to_source_ref)]], Field(min_length=1, max_length=20)
]
