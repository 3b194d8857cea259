"""Self-registration through the API: the page's service and checks, the applicant's view of
its registration, and a bureau's decision."""

import json

import pytest
from django.test import Client

from jiliang.accounts.services import token_create
from jiliang.orgs import enterprise_api
from jiliang.orgs.demo import demo_uscc
from jiliang.orgs.models import EnterpriseRegistration, Organisation

pytestmark = pytest.mark.django_db

URL = "/api/v1/enterprise-registrations"


def registration_data(**changes):
    return {
        "name": "郑州自荐科技有限公司",
        "uscc": demo_uscc("91", "410105", 779),
        "region": "金水区",
        "industry_code": "65",
        "employees": 12,
        "revenue": "300",
        "contact_name": "周敏",
        "contact_phone": "0371-60001234",
        "contact_email": "zhou@example.com",
        "username": "zhoumin",
        "password": "a-long-Passw0rd!",
        **changes,
    }


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def register(**changes):
    return post(Client(), URL, registration_data(**changes))


def applicant_client(registration_id):
    applicant = EnterpriseRegistration.objects.get(pk=registration_id).applicant
    token = token_create(actor=applicant, user=applicant, name="status")[1]
    return Client(headers={"authorization": f"Bearer {token}"})


def test_anyone_registers_and_the_applicant_follows_the_decision(world):
    response = register(region="410105")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["region"]["code"], body["decided_at"]) == (
        "pending",
        "410105",
        None,
    )
    assert not Organisation.objects.get(pk=body["organisation_id"]).is_active
    applicant = applicant_client(body["id"])
    detail = f"{URL}/{body['id']}"
    assert applicant.get(detail).json()["status"] == "pending"
    assert post(applicant, f"{detail}/decision", {"confirm": True}).status_code == 403

    bureau = world.client_for("regulator_above", api=True)
    assert [item["id"] for item in bureau.get(URL).json()["items"]] == [body["id"]]
    assert post(bureau, f"{detail}/decision", {"confirm": True}).status_code == 200
    decided = applicant.get(detail).json()
    assert decided["status"] == "confirmed"
    assert decided["decided_at"]
    assert Organisation.objects.get(pk=body["organisation_id"]).is_active


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"uscc": "91410105MA0000000X"}, "uscc"),  # the check digit is wrong
        ({"uscc": "9141010"}, "uscc"),
        ({"uscc": None}, "uscc"),  # the world's enterprise has it already
        ({"region": "无此县"}, "region"),
        ({"industry_code": "99"}, "industry_code"),
        ({"contact_email": "not an address"}, "contact_email"),
        ({"password": "123"}, "password"),
        ({"username": "same_enterprise"}, "username"),
    ],
)
def test_bad_data_is_a_400_naming_the_field_and_saves_nothing(world, changes, field):
    if changes.get("uscc", "") is None:
        changes = {"uscc": world.enterprise.uscc.lower()}
    organisations = Organisation.objects.count()
    response = register(**changes)
    assert response.status_code == 400, response.json()
    body = response.json()
    assert field in {error["field"] for error in body["errors"]}, body
    assert (EnterpriseRegistration.objects.count(), Organisation.objects.count()) == (
        0,
        organisations,
    )


def test_a_missing_field_is_a_422_naming_it(world):
    data = registration_data()
    del data["uscc"]
    response = post(Client(), URL, data)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["uscc"]


def test_a_bureau_outside_the_region_neither_sees_nor_decides(world):
    registration_id = register().json()["id"]
    sibling = world.client_for("sibling_regulator", api=True)
    assert sibling.get(URL).json()["items"] == []
    assert sibling.get(f"{URL}/{registration_id}").status_code == 404
    response = post(sibling, f"{URL}/{registration_id}/decision", {"confirm": True})
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}
    assert EnterpriseRegistration.objects.get().status == "pending"


def test_a_registration_is_decided_once(world):
    registration_id = register().json()["id"]
    bureau = world.client_for("regulator_above", api=True)
    decision = f"{URL}/{registration_id}/decision"
    rejected = post(bureau, decision, {"confirm": False})
    assert rejected.status_code == 400
    assert [error["field"] for error in rejected.json()["errors"]] == ["reason"]
    assert post(bureau, decision, {"confirm": True}).status_code == 200
    again = post(bureau, decision, {"confirm": True})
    assert again.status_code == 409
    assert set(again.json()) == {"detail", "errors"}
    assert post(bureau, decision, {"confirm": False, "reason": "重复"}).status_code == 409
    assert EnterpriseRegistration.objects.get().status == "confirmed"


def test_registrations_are_limited_per_address(world, monkeypatch):
    monkeypatch.setattr(enterprise_api.REGISTRATION_THROTTLE, "limit", 2)
    statuses = [register(uscc="bad").status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    limited = register()
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) == 3600
    assert set(limited.json()) == {"detail", "errors"}


def test_the_schema_declares_the_errors(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    create = paths[URL]["post"]
    assert {"400", "413", "422", "429"} <= set(create["responses"])
    assert "security" not in create or create["security"] == []
    assert {"401", "404"} <= set(paths[f"{URL}/{{registration_id}}"]["get"]["responses"])
    decision = paths[f"{URL}/{{registration_id}}/decision"]["post"]["responses"]
    assert {"400", "403", "404", "409"} <= set(decision)
    assert decision["409"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorOut")


def test_the_limit_is_said_in_chinese(world, monkeypatch):
    monkeypatch.setattr(enterprise_api.REGISTRATION_THROTTLE, "limit", 1)
    assert register(uscc="bad").status_code == 400
    assert register().json()["detail"] == "请求过于频繁"
