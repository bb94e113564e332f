"""The ``calculator:`` block of a data-element entry: the items, factors, bands, limits, source and worked
examples of a scored instrument (MME, PEG, PHQ-9, ORT-OUD), written once in the YAML.

The site's calculators read these blocks from the build's export and the reference implementation
(painguide.content.calculators) reads them too, so a factor or a band exists in one place only. It builds on
painguide.content.fields, like the schema, which imports it for ``DataElementEntry``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from painguide.content.fields import Markdown, Slug, Strict, Text


class Citation(Strict):
    """Where the scoring comes from: a source id from sources.yaml and, always, where in it."""

    id: Slug
    locator: Text = Field(max_length=200)


class _Instrument(Strict):
    title: Text = Field(description="The tool's name on the site.")
    instructions: Text = Field(description="Who fills it in and how, in plain words (patients may read it).")
    intended_use: Markdown
    limits: Annotated[list[Markdown], Field(min_length=1, max_length=8)]
    source: Citation


# --- MME --------------------------------------------------------------------------------------------------


class Factor(Strict):
    """One row of the conversion table: MME per mg (or per mcg/hr for a patch)."""

    drug: Slug = Field(description="Lower-case with hyphens; also the value in the tool's links (drug=...).")
    label: Text
    factor: Annotated[float, Field(gt=0, le=100)]
    unit: Literal["mg", "mcg/hr"]
    caution: Markdown | None = Field(default=None, description="Shown whenever this medicine is entered.")


class NoFactor(Strict):
    """A medicine the table deliberately leaves out (the tool refuses it and says why)."""

    drug: Slug
    label: Text
    reason: Markdown


class ReviewPrompt(Strict):
    """A total at or above ``at`` MME/day prompts a review (never a cap or a reason to taper)."""

    at: Annotated[int, Field(gt=0, le=1000)]
    text: Markdown


class Dose(Strict):
    drug: Slug
    mg: Annotated[float, Field(gt=0)] | None = None
    per_day: Annotated[float, Field(gt=0)] | None = None
    mcg_hr: Annotated[float, Field(gt=0)] | None = None


class MmeExample(Strict):
    doses: Annotated[list[Dose], Field(min_length=1, max_length=10)]
    expect: Annotated[float, Field(ge=0)] = Field(description="Total MME per day.")


class MmeCalculator(_Instrument):
    kind: Literal["mme"]
    factors: Annotated[list[Factor], Field(min_length=1, max_length=40)]
    no_factor: Annotated[list[NoFactor], Field(max_length=10)] = []
    cautions: Annotated[list[Markdown], Field(min_length=1, max_length=8)]
    review_prompts: Annotated[list[ReviewPrompt], Field(max_length=4)] = []
    # Bounds that catch typing slips (500 for 50, 10 for 1.0); not clinical limits.
    max_mg: Annotated[float, Field(gt=0, le=100000)]
    max_per_day: Annotated[float, Field(gt=0, le=48)]
    max_mcg_hr: Annotated[float, Field(gt=0, le=10000)]
    examples: Annotated[list[MmeExample], Field(min_length=1, max_length=20)]

    @model_validator(mode="after")
    def _consistent(self) -> MmeCalculator:
        drugs = [f.drug for f in self.factors]
        if len(set(drugs)) != len(drugs):
            raise ValueError("each drug appears once in factors")
        if both := {n.drug for n in self.no_factor} & set(drugs):
            raise ValueError(f"{sorted(both)} cannot both have a factor and be listed under no_factor")
        if [p.at for p in self.review_prompts] != sorted({p.at for p in self.review_prompts}):
            raise ValueError("review_prompts go from the lowest total to the highest, each once")
        return self


# --- item scales --------------------------------------------------------------------------------------------


class Item(Strict):
    id: Slug
    text: Text = Field(description="The item as the person filling it in reads it.")
    group: Text | None = Field(default=None, description="A heading shared by consecutive items.")


class ScaleItem(Item):
    low: Text = Field(description="What 0 means.")
    high: Text = Field(description="What the top of the scale means.")


class Choice(Strict):
    value: Annotated[int, Field(ge=0, le=10)]
    label: Text


class Band(Strict):
    min: Annotated[int, Field(ge=0)]
    max: Annotated[int, Field(ge=0)]
    label: Text


class PegExample(Strict):
    scores: dict[Slug, Annotated[int, Field(ge=0, le=10)]]
    expect: Annotated[float, Field(ge=0, le=10)]


class PegCalculator(_Instrument):
    kind: Literal["peg"]
    period: Text = Field(description="The time the items ask about, e.g. 'the past week'.")
    items: Annotated[list[ScaleItem], Field(min_length=3, max_length=3)]
    scale_max: Literal[10]
    no_bands: Markdown = Field(description="Why the tool shows no severity label.")
    examples: Annotated[list[PegExample], Field(min_length=1, max_length=20)]

    @model_validator(mode="after")
    def _examples_name_items(self) -> PegCalculator:
        ids = {i.id for i in self.items}
        for n, example in enumerate(self.examples, 1):
            if set(example.scores) != ids:
                raise ValueError(f"example {n} must score exactly the items {sorted(ids)}")
        return self


class Safety(Strict):
    """Shown whenever ``item`` is scored above 0, whatever the total."""

    item: Annotated[int, Field(ge=1, le=9)]
    text: Markdown

    @model_validator(mode="after")
    def _names_988(self) -> Safety:
        if "988" not in self.text:
            raise ValueError("the safety step names the 988 Suicide and Crisis Lifeline")
        return self


class ItemsExample(Strict):
    items: Annotated[list[Annotated[int, Field(ge=0, le=3)]], Field(min_length=1, max_length=20)]
    expect: Annotated[int, Field(ge=0)] = Field(description="The total.")
    band: Text | None = Field(default=None, description="The band label the total falls in (PHQ-9).")
    safety: bool | None = Field(default=None, description="Whether the safety step shows (PHQ-9).")


def _check_items(items: list[Item], examples: list[ItemsExample], top: int) -> None:
    if len({i.id for i in items}) != len(items):
        raise ValueError("item ids are unique")
    for n, example in enumerate(examples, 1):
        if len(example.items) != len(items):
            raise ValueError(f"example {n} has {len(example.items)} item scores; the tool has {len(items)} items")
        if max(example.items) > top:
            raise ValueError(f"example {n} scores an item above {top}")


class Phq9Calculator(_Instrument):
    kind: Literal["phq-9"]
    stem: Text = Field(description="The question every item completes.")
    items: Annotated[list[Item], Field(min_length=9, max_length=9)]
    choices: Annotated[list[Choice], Field(min_length=4, max_length=4)]
    bands: Annotated[list[Band], Field(min_length=1, max_length=8)]
    safety: Safety
    examples: Annotated[list[ItemsExample], Field(min_length=1, max_length=20)]

    @model_validator(mode="after")
    def _consistent(self) -> Phq9Calculator:
        values = [c.value for c in self.choices]
        if values != list(range(len(values))):
            raise ValueError("choices are scored 0, 1, 2, 3 in that order")
        top = values[-1] * len(self.items)
        expected = 0
        for band in self.bands:  # contiguous, in order, covering 0 to the maximum total
            if band.min != expected or band.max < band.min:
                raise ValueError(f"bands must run on from {expected} with no gap or overlap (at '{band.label}')")
            expected = band.max + 1
        if expected != top + 1:
            raise ValueError(f"the last band must end at the maximum total, {top}")
        if self.safety.item > len(self.items):
            raise ValueError(f"the safety item {self.safety.item} is not one of the {len(self.items)} items")
        _check_items(self.items, self.examples, values[-1])
        labels = {b.label for b in self.bands}
        for n, example in enumerate(self.examples, 1):
            if example.band is None or example.safety is None:
                raise ValueError(f"example {n} states the band and whether the safety step shows")
            if example.band not in labels:
                raise ValueError(f"example {n}: '{example.band}' is not one of the bands")
        return self


class OrtOudCalculator(_Instrument):
    kind: Literal["ort-oud"]
    items: Annotated[list[Item], Field(min_length=1, max_length=12)]
    no_bands: Markdown = Field(description="Why the tool shows a total and no risk category.")
    examples: Annotated[list[ItemsExample], Field(min_length=1, max_length=20)]

    @model_validator(mode="after")
    def _consistent(self) -> OrtOudCalculator:
        _check_items(self.items, self.examples, 1)
        return self


Calculator = Annotated[MmeCalculator | PegCalculator | Phq9Calculator | OrtOudCalculator, Field(discriminator="kind")]
CalculatorModel = MmeCalculator | PegCalculator | Phq9Calculator | OrtOudCalculator
KINDS: tuple[str, ...] = ("mme", "peg", "phq-9", "ort-oud")
