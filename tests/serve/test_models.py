"""The response models are the stored models plus what the API adds: no field dropped, no type widened."""

from __future__ import annotations

import dataclasses
from typing import get_args

import pytest
from pydantic import BaseModel, ValidationError

from painguide.content import schema
from painguide.search import Filters, Hit, Results
from painguide.serve import models


@pytest.mark.parametrize("stored", get_args(schema.EntryModel), ids=lambda m: m.__name__)
def test_each_kind_of_entry_is_returned_with_every_stored_field_and_type(stored):
    detail = models.ENTRY_DETAILS[stored]
    for name, field in stored.model_fields.items():
        assert name in detail.model_fields, f"{detail.__name__} drops {name}"
        assert detail.model_fields[name].annotation == field.annotation, name
        assert detail.model_fields[name].is_required() == field.is_required(), name


def test_a_module_is_returned_with_every_stored_field_and_type():
    for name, field in schema.Module.model_fields.items():
        assert models.ModuleDetail.model_fields[name].annotation == field.annotation, name


def _response_models() -> list[type[BaseModel]]:
    found = [v for v in vars(models).values() if isinstance(v, type) and issubclass(v, BaseModel)]
    # SearchQuery is a request model (unknown query parameters are ignored)
    return [m for m in found if m not in (BaseModel, models.SearchQuery)]


@pytest.mark.parametrize("model", _response_models(), ids=lambda m: m.__name__)
def test_response_models_refuse_unknown_fields(model):
    assert model.model_config.get("extra") == "forbid"


def test_a_field_the_response_lacks_is_an_error_not_a_drop():
    with pytest.raises(ValidationError, match="bogus"):
        models.EntrySummary(id="x", type="topic", title="T", summary="S", component=None, url="/", bogus=1)


def test_search_responses_mirror_the_search_layer_field_for_field():
    # from_attributes reads only the fields a model declares: a new field of Results would vanish silently
    names = {f.name for f in dataclasses.fields(Results)}
    assert set(models.SearchResults.model_fields) == names
    assert set(models.SearchHit.model_fields) == {f.name for f in dataclasses.fields(Hit)}
    assert {f.name for f in dataclasses.fields(Filters)} <= set(models.SearchQuery.model_fields)


def _property(spec: dict, schema_name: str, name: str) -> dict:
    prop = spec["components"]["schemas"][schema_name]["properties"][name]
    return prop.get("items", prop)  # a list's element type


def _enum(prop: dict) -> set[str]:
    options = prop.get("anyOf", [prop])
    return {v for o in options for v in o.get("enum", [o.get("const")]) if v is not None}


def test_openapi_shows_the_schemas_enums(client):
    spec = client.get("/api/v1/openapi.json").json()
    components, audiences = set(schema.COMPONENT_IDS), set(schema.AUDIENCES)
    roles, types = set(schema.ROLES), set(get_args(schema.EntryType))
    for detail in models.ENTRY_DETAILS.values():
        assert _enum(_property(spec, detail.__name__, "audiences")) == audiences, detail.__name__
        assert _enum(_property(spec, detail.__name__, "component")) == components, detail.__name__
        assert len(_enum(_property(spec, detail.__name__, "type"))) == 1
    assert _enum(_property(spec, "EntrySummary", "component")) == components
    assert _enum(_property(spec, "EntrySummary", "type")) == types
    assert _enum(_property(spec, "SearchHit", "component")) == components
    assert _enum(_property(spec, "SearchHit", "type")) == types | {"module"}
    assert _enum(_property(spec, "ModuleSummary", "audiences")) == roles
    assert _enum(_property(spec, "ModuleDetail", "audiences")) == roles
    assert _enum(_property(spec, "ModuleDetail", "level")) == {"introductory", "intermediate", "advanced"}
    entry = spec["paths"]["/api/v1/entries/{entry_id}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert set(entry["schema"]["discriminator"]["mapping"]) == types
