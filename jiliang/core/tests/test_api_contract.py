"""The API's published contract: schema, authentication and the JSON error shape."""

import json

import pytest
from django.test import Client

from jiliang.orgs.models import Membership

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_public_and_lists_the_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/me", "/api/v1/organisations/{organisation_id}", "/api/v1/regions"):
        assert path in paths
    assert "BearerToken" in response.json()["components"]["securitySchemes"]


def test_me_lists_organisations_and_roles(world):
    body = world.client_for("same_enterprise", api=True).get("/api/v1/me").json()
    assert body["dashboard_role"] == "enterprise"
    assert body["memberships"] == [
        {
            "id": Membership.objects.get(user=world.users["same_enterprise"]).pk,
            "role": "admin",
            "organisation": {
                "id": world.enterprise.pk,
                "kind": "enterprise",
                "name": world.enterprise.name,
                "uscc": world.enterprise.uscc,
                "region": {"id": world.regions["410105"].pk, "code": "410105", "name": "金水区"},
            },
        }
    ]


def test_unknown_token_is_401_json():
    response = Client(headers={"authorization": "Bearer jl_not-a-token"}).get("/api/v1/me")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}


def patch_enterprise(world, body: str):
    """The enterprise's admin sends ``body`` as a PATCH of their organisation."""
    return world.client_for("same_enterprise", api=True).patch(
        f"/api/v1/organisations/{world.enterprise.pk}", data=body, content_type="application/json"
    )


def test_schema_violations_are_422_with_the_field_named(world):
    response = patch_enterprise(world, json.dumps({"size_class": "gigantic"}))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "size_class"


def test_null_empties_a_text_field_and_is_refused_where_no_empty_value_exists(world):
    """A null address was a database error, a 500 (found by the fuzzer)."""
    response = patch_enterprise(world, json.dumps({"address": None}))
    assert response.status_code == 200
    world.enterprise.refresh_from_db()
    assert world.enterprise.address == ""
    response = patch_enterprise(world, json.dumps({"name": None}))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "name"
    world.enterprise.refresh_from_db()
    assert world.enterprise.name


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        (
            "post",
            "/api/v1/instruments",
            {"management_number": "A\u0000", "name": "卡尺"},
            "management_number",
        ),
        ("get", "/api/v1/instruments?q=%00", None, "q"),
        ("patch", "/api/v1/organisations/{pk}", {"address": "\u0000"}, "address"),
        # A lone surrogate is no character: no database can store it (found by the fuzzer).
        ("post", "/api/v1/tokens", {"name": "\ud800"}, "name"),
        ("patch", "/api/v1/organisations/{pk}", {"address": "a\udfffb"}, "address"),
        (
            "put",
            "/api/v1/instruments/imports/{pk}/mapping",
            {"mapping": {"\ud800": "name"}},
            "mapping",
        ),
    ],
)
def test_nul_characters_in_text_are_422_with_the_field_named(world, method, path, body, field):
    """PostgreSQL refuses NUL in text columns and in text parameters (found by the fuzzer)."""
    client = world.client_for("same_enterprise")
    url = path.format(pk=world.enterprise.pk)
    data = json.dumps(body) if body is not None else None
    response = getattr(client, method)(url, data, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_malformed_json_is_a_4xx_not_a_500(world):
    response = patch_enterprise(world, "{not json")
    assert 400 <= response.status_code < 500
    assert set(response.json()) == {"detail", "errors"}


def test_domain_validation_is_400_with_field_errors(world):
    response = patch_enterprise(world, json.dumps({"contact_email": "not-an-address"}))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "contact_email"
    world.enterprise.refresh_from_db()
    assert world.enterprise.contact_email == ""


def test_keeping_the_last_admin_is_a_400_with_a_message(world):
    api = world.client_for("same_enterprise", api=True)
    own = Membership.objects.get(user=world.users["same_enterprise"])
    response = api.delete(f"/api/v1/memberships/{own.pk}")
    assert response.status_code == 400
    assert world.enterprise.name in response.json()["detail"]


def test_an_oversized_body_is_413(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = patch_enterprise(world, json.dumps({"address": "x" * 5000}))
    assert response.status_code == 413


def test_lists_are_paginated(world):
    body = world.client_for("platform_admin", api=True).get("/api/v1/regions?limit=5").json()
    assert body["count"] >= 30
    assert len(body["items"]) == 5


def test_organisation_filter_by_region_covers_the_subtree(world):
    api = world.client_for("regulator_above", api=True)
    zhengzhou = world.regions["410100"].pk
    names = {
        row["name"] for row in api.get(f"/api/v1/organisations?region={zhengzhou}").json()["items"]
    }
    assert world.enterprise.name in names
    kaifeng = world.regions["410200"].pk
    assert api.get(f"/api/v1/organisations?region={kaifeng}").status_code == 404


def test_list_endpoints_use_a_constant_number_of_queries(world, django_assert_max_num_queries):
    api = world.client_for("platform_admin", api=True)
    with django_assert_max_num_queries(6):
        api.get("/api/v1/organisations")
    with django_assert_max_num_queries(6):
        api.get(f"/api/v1/organisations/{world.enterprise.pk}/memberships")


def test_an_unknown_api_path_is_a_json_404(world):
    response = world.client_for("same_enterprise", api=True).get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}


def test_interactive_docs_load_their_assets_from_this_server(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in html
    assert "/static/ninja/" in html


def test_page_size_is_capped_with_the_parameter_named(world):
    api = world.client_for("platform_admin", api=True)
    assert api.get("/api/v1/regions?limit=500").status_code == 200
    response = api.get("/api/v1/regions?limit=100000")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "limit"


def _declared(schema, method, path):
    responses = schema["paths"][f"/api/v1{path}"][method]["responses"]
    return {int(status): response for status, response in responses.items()}


def test_every_operation_declares_the_errors_its_shape_allows_as_error_out(client):
    """Generated clients type every 4xx: the schema declared only the successes (found by
    schemathesis's status-code conformance check)."""
    schema = client.get("/api/v1/openapi.json").json()
    assert set(_declared(schema, "get", "/me")) == {200, 401}
    assert set(_declared(schema, "get", "/regions/{region_id}")) == {200, 401, 404, 422}
    patch = _declared(schema, "patch", "/organisations/{organisation_id}")
    assert set(patch) == {200, 400, 401, 403, 404, 413, 422}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/ErrorOut"
                    }, (method, path, status)
                    assert response["description"], (method, path, status)


def test_a_revoked_token_is_a_401_on_a_write_too(world):
    """Not a 403 "CSRF check Failed" from the session check that came after the token's."""
    token = world.tokens["same_enterprise"]
    world.client_for("same_enterprise", api=True).post(
        f"/api/v1/tokens/{world.users['same_enterprise'].api_tokens.get().pk}/revoke"
    )
    api = Client(enforce_csrf_checks=True, headers={"authorization": f"Bearer {token}"})
    response = api.post("/api/v1/tokens", data={"name": "x"}, content_type="application/json")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}
