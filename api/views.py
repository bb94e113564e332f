"""Stored shapes → response shapes (kept out of the routers so they stay thin)."""

from __future__ import annotations

from typing import Any

from api import models
from painguide import urls
from painguide.release import Release
from painguide.search import Results


def entry_summary(release: Release, entry: Any) -> models.EntrySummary:
    return models.EntrySummary(
        id=entry.id,
        type=entry.type,
        title=entry.title,
        summary=entry.summary,
        component=getattr(entry, "component", None),
        url=release.entry_url(entry),
    )


def entry_detail(release: Release, entry: Any) -> models.EntryDetail:
    patient_url = urls.url(urls.patient_page(entry)) if entry.patient is not None else None
    return models.EntryDetail(**entry.model_dump(), url=release.entry_url(entry), patient_url=patient_url)


def module_summary(release: Release, module: Any) -> models.ModuleSummary:
    return models.ModuleSummary(
        id=module.id,
        title=module.title,
        audiences=list(module.audiences),
        duration_minutes=module.duration_minutes,
        url=release.module_url(module.id),
    )


def module_detail(release: Release, module: Any) -> models.ModuleDetail:
    return models.ModuleDetail(
        **module.model_dump(exclude={"type"}),
        url=release.module_url(module.id),
        handout_url=urls.url(urls.module_page(module.id, "handout")),
        answers_url=urls.url(urls.module_page(module.id, "answers")),
    )


def search_results(results: Results) -> models.SearchResults:
    # the response model mirrors painguide.search.Results field for field
    return models.SearchResults.model_validate(results, from_attributes=True)
