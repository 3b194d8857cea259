"""The enterprise database's views and endpoints against the permission matrix."""

import re

import pytest
from django.urls import reverse

from jiliang.core.testing.matrix import SIGNED_IN_ACTORS, MatrixCase, check, matrix_params
from jiliang.orgs.demo import demo_uscc
from jiliang.orgs.enterprise_services import enterprise_register
from jiliang.orgs.models import EnterpriseRegistration, Region

EVERYONE_SIGNED_IN = dict.fromkeys(SIGNED_IN_ACTORS, 200)
PROFILE_READERS = {
    "same_enterprise": 200,
    "same_enterprise_viewer": 200,
    "regulator_above": 200,
    "platform_admin": 200,
}
PROFILE_EDITORS = {"same_enterprise": 302, "regulator_above": 302, "platform_admin": 302}
DECIDERS = {"regulator_above": 302, "platform_admin": 302}
FIGURES = {
    "industry_code": "40",
    "employees": "30",
    "revenue": "400",
    "measurement_system": "established",
}

REGISTRATION_API_DATA = {
    "name": "自荐企业",
    "region": "410105",
    "industry_code": "65",
    "employees": 12,
    "revenue": "300",
    "contact_name": "周敏",
    "contact_phone": "0371-60001234",
    "contact_email": "zhou@example.com",
    "username": "matrix-api-applicant",
    "password": "a-long-Passw0rd!",
}


def registration(world):
    """A registration in 金水区, below the regulator above (made while building the URL)."""
    made = EnterpriseRegistration.objects.filter(applicant__username="matrix-applicant").first()
    return made or enterprise_register(
        name="自荐企业",
        uscc=demo_uscc("91", "410105", 4321),
        region=Region.objects.get(code="410105"),
        contact_name="周敏",
        contact_phone="0371-60001234",
        contact_email="zhou@example.com",
        username="matrix-applicant",
        password="a-long-Passw0rd!",
        figures={"industry_code": "65", "employees": 12, "revenue": 300},
    )


def registration_url(name):
    return lambda world: reverse(name, args=[registration(world).pk])


def profile_api(world):
    return f"/api/v1/enterprises/{world.enterprise.pk}/profile"


CASES = [
    MatrixCase(
        "enterprise-list",
        "get",
        lambda w: reverse("orgs:enterprise_list"),
        {"anonymous": 302, **EVERYONE_SIGNED_IN},
    ),
    MatrixCase(
        "enterprise-import-form",
        "get",
        lambda w: reverse("orgs:enterprise_import"),
        {"anonymous": 302, "regulator_above": 200, "sibling_regulator": 200, "platform_admin": 200},
        default=403,
    ),
    MatrixCase(
        "profile-form",
        "get",
        lambda w: reverse("orgs:profile_update", args=[w.enterprise.pk]),
        {"anonymous": 302, **PROFILE_READERS, "same_enterprise_viewer": 403},
    ),
    MatrixCase(
        "profile-save",
        "post",
        lambda w: reverse("orgs:profile_update", args=[w.enterprise.pk]),
        {"anonymous": 302, **PROFILE_EDITORS, "same_enterprise_viewer": 403},
        data=lambda w: FIGURES,
    ),
    MatrixCase(
        "registration-form",
        "get",
        lambda w: reverse("orgs:registration_create"),
        {"anonymous": 200, **EVERYONE_SIGNED_IN},
    ),
    MatrixCase(
        "registration-list",
        "get",
        lambda w: reverse("orgs:registration_list"),
        {"anonymous": 302, **EVERYONE_SIGNED_IN},
    ),
    MatrixCase(
        "registration-detail",
        "get",
        registration_url("orgs:registration_detail"),
        {"anonymous": 302, "regulator_above": 200, "platform_admin": 200},
    ),
    MatrixCase(
        "registration-decide",
        "post",
        registration_url("orgs:registration_decide"),
        {"anonymous": 302, **DECIDERS},
        data=lambda w: {"confirm": "yes"},
    ),
    MatrixCase(
        "api-enterprise-list",
        "get",
        lambda w: "/api/v1/enterprises?division=40&size=small&q=org",
        {"anonymous": 401, **EVERYONE_SIGNED_IN},
        api=True,
    ),
    MatrixCase(
        "api-profile",
        "get",
        profile_api,
        {"anonymous": 401, **PROFILE_READERS},
        api=True,
    ),
    MatrixCase(
        "api-profile-patch",
        "patch",
        profile_api,
        {
            "anonymous": 401,
            "same_enterprise": 200,
            "regulator_above": 200,
            "platform_admin": 200,
            "same_enterprise_viewer": 403,
        },
        data=lambda w: {"main_products": "精密轴承座", "tags": ["专精特新"]},
        api=True,
    ),
    MatrixCase(
        "api-enterprise-import-without-file",
        "post",
        lambda w: "/api/v1/enterprises/import",
        {"anonymous": 401},
        default=422,
        data=lambda w: {},
        api=True,
    ),
    MatrixCase(
        "api-registration-list",
        "get",
        lambda w: "/api/v1/enterprise-registrations",
        {"anonymous": 401, **EVERYONE_SIGNED_IN},
        api=True,
    ),
    MatrixCase(
        # Open to everyone, the anonymous included (the valid case, which creates an account, is
        # in test_registration_api): a code taken already is the data's 400 for all alike.
        "api-registration-create-taken-code",
        "post",
        lambda w: "/api/v1/enterprise-registrations",
        {},
        default=400,
        data=lambda w: {**REGISTRATION_API_DATA, "uscc": w.enterprise.uscc},
        api=True,
    ),
    MatrixCase(
        "api-registration-detail",
        "get",
        lambda w: f"/api/v1/enterprise-registrations/{registration(w).pk}",
        {"anonymous": 401, "regulator_above": 200, "platform_admin": 200},
        api=True,
    ),
    MatrixCase(
        "api-registration-decision",
        "post",
        lambda w: f"/api/v1/enterprise-registrations/{registration(w).pk}/decision",
        {"anonymous": 401, "regulator_above": 200, "platform_admin": 200},
        data=lambda w: {"confirm": True},
        api=True,
    ),
]


@pytest.mark.parametrize(("case", "actor"), matrix_params(CASES))
def test_permission_matrix(matrix_world, case, actor):
    check(matrix_world, case, actor)


def _template(path: str) -> str:
    return re.sub(r"/(\d+|\{\w+\})(?=/|$)", "/{}", path.split("?")[0])


def test_every_enterprise_endpoint_is_in_the_matrix(matrix_world):
    """A new endpoint of the enterprise database must be added above."""
    world = matrix_world
    schema = world.client_for("platform_admin", api=True).get("/api/v1/openapi.json").json()
    covered = {(case.method, _template(case.url(world))) for case in CASES if case.api}
    published = {
        (method, _template(path))
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "enterprises" in operation.get("tags", [])
    }
    assert published <= covered, published - covered
