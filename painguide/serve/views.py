"""Stored shapes → response shapes (kept out of the routers so they stay thin)."""

from __future__ import annotations

from painguide import urls
from painguide.content import kinds
from painguide.content.schema import EntryModel, Module
from painguide.search import Results
from painguide.serve import models
from painguide.serve.release import Release


def entry_summary(release: Release, entry: EntryModel) -> models.EntrySummary:
    return models.EntrySummary(
        id=entry.id,
        type=entry.type,
        title=entry.title,
        summary=entry.summary,
        component=kinds.component_of(entry),
        url=release.entry_url(entry),
    )


def entry_detail(release: Release, entry: EntryModel) -> models.EntryDetail:
    patient_url = urls.url(urls.patient_page(entry)) if entry.patient is not None else None
    fields = {**entry.model_dump(), "component": kinds.component_of(entry)}
    return models.EntryDetail(**fields, url=release.entry_url(entry), patient_url=patient_url)


def module_summary(release: Release, module: Module) -> models.ModuleSummary:
    return models.ModuleSummary(
        id=module.id,
        title=module.title,
        audiences=list(module.audiences),
        duration_minutes=module.duration_minutes,
        url=release.module_url(module.id),
    )


def module_detail(release: Release, module: Module) -> models.ModuleDetail:
    return models.ModuleDetail(
        **module.model_dump(exclude={"type"}),
        url=release.module_url(module.id),
        handout_url=urls.url(urls.module_page(module.id, "handout")),
        answers_url=urls.url(urls.module_page(module.id, "answers")),
    )


def search_results(results: Results) -> models.SearchResults:
    # the response model mirrors painguide.search.Results field for field
    return models.SearchResults.model_validate(results, from_attributes=True)
