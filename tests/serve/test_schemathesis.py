"""Property-based: schemathesis generates requests from our own OpenAPI spec; none may get a 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from painguide.serve.app import create_app
from painguide.settings import Settings

EXAMPLES_PER_OPERATION = 40


@pytest.mark.slow
def test_no_operation_returns_a_server_error(built):
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(Settings(build_dir=built)))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case: schemathesis.Case) -> None:
            response = case.call()
            case.validate_response(response, checks=[not_a_server_error])
            if response.status_code >= 400:
                assert set(response.json()) == {"error"}, response.text

        check()
