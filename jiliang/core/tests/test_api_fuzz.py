"""Schemathesis sends generated requests to every endpoint and checks each answer against the
OpenAPI schema: no 500, and every status, content type, header and body as declared (each 4xx an
``ErrorOut``)."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from jiliang.wsgi import application

# Within about a minute per database: the coverage phase sends each boundary value the schema
# allows (the schema-breaking ones would all be 422s, declared wherever a parameter is; another
# method on a path is a 405 for every route), then hypothesis adds ten requests per operation,
# the same ones on every run.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"unexpected-methods": [], "generation": {"mode": "positive"}}}}
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def enterprise_admin_token(matrix_world):
    return matrix_world.tokens["same_enterprise"]


@pytest.fixture(autouse=True)
def _keep_the_test_transaction_open():
    """Requests go straight to the WSGI app, whose request signals would close the test's
    database connection (Django's test client detaches them the same way)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=10, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_every_generated_request_is_answered_as_the_schema_declares(case, enterprise_admin_token):
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {enterprise_admin_token}"}
    response = case.call_and_validate(checks=CHECKS)
    if response.status_code >= 400:
        assert set(response.json()) == {"detail", "errors"}
