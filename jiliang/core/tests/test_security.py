"""The security baseline: deploy checks, CSP without inline scripts, CSRF everywhere."""

import os
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_deploy_checks_pass_with_production_settings(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **environment,
        "JILIANG_DEBUG": "0",
        "JILIANG_SECRET_KEY": "a-production-secret-" + "k" * 50,
        "JILIANG_ALLOWED_HOSTS": "jiliang.example.gov.cn",
        "JILIANG_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "jiliang.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_carry_a_csp_without_inline_scripts(client):
    response = client.get(reverse("accounts:login"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert b"<script>" not in response.content


def test_forms_refuse_posts_without_a_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["same_enterprise"])
    response = client.post(
        reverse("orgs:organisation_update", args=[world.enterprise.pk]),
        {"name": "被篡改", "size_class": "small", "industry": "C"},
    )
    assert response.status_code == 403
    world.enterprise.refresh_from_db()
    assert world.enterprise.name != "被篡改"


def test_session_authenticated_api_writes_need_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["same_enterprise"])
    response = client.patch(
        f"/api/v1/organisations/{world.enterprise.pk}",
        data='{"address": "x"}',
        content_type="application/json",
    )
    assert response.status_code == 403
