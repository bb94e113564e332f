"""Stored shapes → response shapes (kept out of the routers so they stay thin).

Page paths come from painguide.urls, the one place that maps ids to pages. The stored models are copied in
shallowly (``dict(model)`` keeps the nested layers as validated instances, which pydantic accepts as they are),
and with the build's ``trusted`` context, so a request never re-renders Markdown to check it: the build did.
"""

from __future__ import annotations

from typing import Any

from painguide import urls
from painguide.content import kinds
from painguide.content.schema import EntryModel, Module
from painguide.search import Results
from painguide.serve import models

# What painguide.serve.release passes when it reads catalog.json: skip the per-field Markdown render.
_TRUSTED: dict[str, Any] = {"trusted": True}


def entry_summary(entry: EntryModel) -> models.EntrySummary:
    return models.EntrySummary(
        id=entry.id,
        type=entry.type,
        title=entry.title,
        summary=entry.summary,
        component=kinds.component_of(entry),
        url=urls.url(urls.entry_page(entry)),
    )


def entry_detail(entry: EntryModel) -> models.EntryDetailModel:
    """Every stored field of the entry (none is hidden from the API), its component and its page urls."""
    patient_url = urls.url(urls.patient_page(entry)) if entry.patient is not None else None
    added = {
        "component": kinds.component_of(entry),
        "url": urls.url(urls.entry_page(entry)),
        "patient_url": patient_url,
    }
    return models.ENTRY_DETAILS[type(entry)].model_validate({**dict(entry), **added}, context=_TRUSTED)


def module_summary(module: Module) -> models.ModuleSummary:
    return models.ModuleSummary(
        id=module.id,
        title=module.title,
        audiences=list(module.audiences),
        duration_minutes=module.duration_minutes,
        url=urls.url(urls.module_page(module.id)),
    )


def module_detail(module: Module) -> models.ModuleDetail:
    """Every stored field of the module and the urls of its pages."""
    added = {
        "url": urls.url(urls.module_page(module.id)),
        "handout_url": urls.url(urls.module_page(module.id, "handout")),
        "answers_url": urls.url(urls.module_page(module.id, "answers")),
    }
    return models.ModuleDetail.model_validate({**dict(module), **added}, context=_TRUSTED)


def search_results(results: Results) -> models.SearchResults:
    # The response model mirrors painguide.search.Results (with enum types and descriptions); a test checks
    # that the field names agree, since from_attributes would skip a field the model lacks.
    return models.SearchResults.model_validate(results, from_attributes=True)
