"""Schemathesis sends generated requests to every endpoint: none may answer 500."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from jiliang.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def enterprise_admin_token(world):
    return world.tokens["same_enterprise"]


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
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_no_generated_request_causes_a_server_error(case, enterprise_admin_token):
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {enterprise_admin_token}"}
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
    if response.status_code >= 400:
        assert set(response.json()) == {"detail", "errors"}
