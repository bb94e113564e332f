"""How a module and an entry read: ordered, titled sections, with the labels and citations written once.

The site writes these as Markdown (painguide.site.curriculum, painguide.site.entries) and the cartridge as
HTML (painguide.export.pages): both walk the same sections in the same order under the same titles, and only
the markup differs. Titles that carry content (``Case: …``) are built by the renderer from ``label`` and the
escaped name, since each output escapes differently.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import ClassVar

from pydantic import BaseModel

from painguide.content.catalog import Catalog
from painguide.content.kinds import LETTERS
from painguide.content.schema import Assignment, Lesson, Module, Question, Source, SourceRef, TeamQuestion, Vignette

# --- a module's handout: what a learner reads, in order --------------------------------------------------


@dataclass(frozen=True)
class Objectives:
    title: ClassVar[str] = "What you will be able to do"
    objectives: list[str]


@dataclass(frozen=True)
class Readings:
    title: ClassVar[str] = "Read, in this order"
    lessons: list[Lesson]


@dataclass(frozen=True)
class Case:
    label: ClassVar[str] = "Case"  # the title is "Case: <vignette title>"
    discuss: ClassVar[str] = "Discuss"  # the prompts' heading
    vignette: Vignette


@dataclass(frozen=True)
class KnowledgeCheck:
    title: ClassVar[str] = "Check your knowledge"
    questions: list[Question]


@dataclass(frozen=True)
class Task:
    label: ClassVar[str] = "Assignment"  # the title is "Assignment: <assignment title>"
    assignment: Assignment


HandoutSection = Objectives | Readings | Case | KnowledgeCheck | Task


def titled(label: str, name: str) -> str:
    """A title that names its content: ``Case: Mr. R's back pain``."""
    return f"{label}: {name}"


def handout(module: Module) -> list[HandoutSection]:
    """The learner handout's sections, in reading order (the site's handout page and the cartridge's)."""
    return [
        Objectives(module.objectives),
        Readings(module.lessons),
        Case(module.vignette),
        KnowledgeCheck(module.questions),
        Task(module.assignment),
    ]


# --- the knowledge check and its key ----------------------------------------------------------------------

ANSWER_LABEL = "Answer"
ANSWER_KEY_TITLE = "Answers and explanations"


def lettered(question: Question) -> list[tuple[str, str]]:
    """Each choice with its letter, in file order (A, B, C…)."""
    return [(LETTERS[n], choice) for n, choice in enumerate(question.choices)]


def answer_letter(question: Question) -> str:
    """The keyed answer's letter."""
    return LETTERS[question.choices.index(question.answer)]


# --- an entry's layers -------------------------------------------------------------------------------------


def layer_fields(model: BaseModel) -> Iterator[tuple[str, str, object]]:
    """Every filled, titled field of a layer as (name, schema title, value), in schema order: the titles are
    the section labels (the same ones editors see in guidelines/schema.json)."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if info.title and value is not None and value != []:
            yield name, info.title, value


# A support-team question's block, as its entry page and the planner show it.
TEAM_QUESTION = "The question"
TEAM_LABELS: dict[str, str] = {
    "why_it_matters": "Why it matters",
    "options": "Options a clinic can choose",
    "examples": "Examples",
}
if not set(TEAM_LABELS) < set(TeamQuestion.model_fields):
    raise RuntimeError("painguide.content.reading: TEAM_LABELS names a field TeamQuestion does not have")


# --- citations -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    """One cited source, with the parts every output shows: title and link, who published it and when, the
    bibliographic citation, and where in the source (``locator``)."""

    source: Source
    locator: str | None

    @property
    def by(self) -> str:
        """Author, publisher and year, comma-separated (empty when none is known)."""
        s = self.source
        return ", ".join(x for x in (s.author, s.publisher, str(s.year or "")) if x)

    @property
    def detail(self) -> str:
        """Everything after the title on one line: by, citation; locator."""
        detail = ", ".join(x for x in (self.by, self.source.citation) if x)
        if self.locator:
            detail = f"{detail}; {self.locator}" if detail else self.locator
        return detail


def citations(refs: Iterable[SourceRef], catalog: Catalog) -> list[Citation]:
    return [Citation(catalog.sources[ref.id], ref.locator) for ref in refs]
