"""The OpenAPI document validates, and schemathesis over every operation (bounded: 10 examples each) finds no
5xx, no undocumented status code and no response that breaks its schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from tests.service.world import Tenant

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="session")
def api_app(service: Any) -> Any:
    from cyberrx.api import create_app

    # the session's service is started and closed by the `client` fixture; this app only serves requests
    return create_app(service, manage=False)


@pytest.fixture(scope="session")
def api_schema(api_app: Any) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", api_app)


def test_openapi_document_is_valid(api_app: Any, api_schema: Any) -> None:
    # the OpenAPI 3.1 meta-schema schemathesis ships, checked with jsonschema-rs
    from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

    doc = api_app.openapi()
    assert doc["openapi"].startswith("3.1")
    OPENAPI_31_VALIDATOR.validate(doc)
    api_schema.validate()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert {"401", "403", "404", "422"} <= set(op["responses"]), (method, path)


def test_every_operation_conforms(api_schema: Any, world: tuple[Tenant, Tenant]) -> None:
    """Every operation, as a tenant's underwriter, 10 generated cases each; failures are collected per operation."""
    a, _ = world
    failures: dict[str, str] = {}
    operations = 0
    statuses: list[int] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(max_examples=10, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            response = case.call_and_validate(headers=a.h("underwriter"), checks=CHECKS)
            statuses.append(response.status_code)

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them together
            failures[operation.label] = f"{exc.__class__.__name__}: {str(exc)[:1500]}"
    assert operations >= 29
    assert len(statuses) >= 5 * operations and any(200 <= s < 300 for s in statuses)
    assert not failures, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())


def test_results_in_the_schema_show_their_fields(api_app: Any) -> None:
    """An assessment's, a quote's, an adjudication's and an incident's results are typed in OpenAPI, not
    ``object``; money in a response is a number."""
    doc = api_app.openapi()
    schemas = doc["components"]["schemas"]

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        for option in node.get("anyOf", [node]):
            if "$ref" in option:
                return schemas[option["$ref"].rsplit("/", 1)[1]]
        return node

    assessment = resolve(schemas["AssessmentOut"]["properties"]["result"])
    assert {"annual_loss", "by_coverage", "recommended", "gap", "exceedance"} <= set(assessment["properties"])
    stats = resolve(assessment["properties"]["annual_loss"])
    assert stats["properties"]["p99"]["type"] == "number"
    quote = resolve(schemas["QuoteOut"]["properties"]["result"])
    assert "options" in quote["properties"]
    adjudication = resolve(schemas["ClaimOut"]["properties"]["adjudication"])
    assert adjudication["properties"]["total_payable"]["type"] == "number"
    assert schemas["ClaimOut"]["properties"]["paid"]["type"] == "number"
    obligations = resolve(schemas["IncidentOut"]["properties"]["obligations"])
    assert "obligations" in obligations["properties"]
