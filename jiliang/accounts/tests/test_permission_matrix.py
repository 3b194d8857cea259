"""Every account view and endpoint against the permission matrix."""

import pytest
from django.urls import reverse

from jiliang.accounts.models import ApiToken
from jiliang.core.testing.matrix import SIGNED_IN_ACTORS, MatrixCase, check, matrix_params

SIGNED_IN = dict.fromkeys(SIGNED_IN_ACTORS, 200)


def enterprise_token_id(world):
    return ApiToken.objects.get(user=world.users["same_enterprise"]).pk


CASES = [
    MatrixCase(
        "profile", "get", lambda w: reverse("accounts:profile"), {"anonymous": 302, **SIGNED_IN}
    ),
    MatrixCase(
        "password-form",
        "get",
        lambda w: reverse("accounts:password_change"),
        {"anonymous": 302, **SIGNED_IN},
    ),
    MatrixCase(
        "token-list",
        "get",
        lambda w: reverse("accounts:token_list"),
        {"anonymous": 302, **SIGNED_IN},
    ),
    MatrixCase(
        "token-revoke",
        "post",
        lambda w: reverse("accounts:token_revoke", args=[enterprise_token_id(w)]),
        {"anonymous": 302, "same_enterprise": 302, "platform_admin": 302},
        data=lambda w: {},
    ),
    MatrixCase("api-me", "get", lambda w: "/api/v1/me", {"anonymous": 401, **SIGNED_IN}, api=True),
    MatrixCase(
        "api-token-list",
        "get",
        lambda w: "/api/v1/tokens",
        {"anonymous": 401, **SIGNED_IN},
        api=True,
    ),
    MatrixCase(
        "api-token-create",
        "post",
        lambda w: "/api/v1/tokens",
        {"anonymous": 401, **dict.fromkeys(SIGNED_IN_ACTORS, 201)},
        data=lambda w: {"name": "ERP"},
        api=True,
    ),
    MatrixCase(
        "api-token-revoke",
        "post",
        lambda w: f"/api/v1/tokens/{enterprise_token_id(w)}/revoke",
        {"anonymous": 401, "same_enterprise": 200, "platform_admin": 200},
        api=True,
    ),
]


@pytest.mark.parametrize(("case", "actor"), matrix_params(CASES))
def test_permission_matrix(matrix_world, case, actor):
    check(matrix_world, case, actor)
