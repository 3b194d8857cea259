"""Every organisation, region and membership view and endpoint against the permission matrix."""

import pytest
from django.urls import reverse

from jiliang.core.testing.matrix import SIGNED_IN_ACTORS, MatrixCase, check, matrix_params
from jiliang.orgs.models import Membership

ANONYMOUS_HTML = {"anonymous": 302}
ANONYMOUS_API = {"anonymous": 401}
ENTERPRISE_READERS = {
    "same_enterprise": 200,
    "same_enterprise_viewer": 200,
    "regulator_above": 200,
    "platform_admin": 200,
}
# Visible to the viewer and the regulator above, but only the enterprise's admins may change it.
ENTERPRISE_ADMINS_ONLY = {"same_enterprise_viewer": 403, "regulator_above": 403}
EVERYONE_SIGNED_IN = dict.fromkeys(SIGNED_IN_ACTORS, 200)


def enterprise_url(name):
    return lambda world: reverse(name, args=[world.enterprise.pk])


def viewer_membership(world):
    return Membership.objects.get(user=world.users["same_enterprise_viewer"])


def viewer_membership_url(name):
    return lambda world: reverse(name, args=[viewer_membership(world).pk])


def api(path):
    return lambda world: (
        "/api/v1"
        + path.format(
            enterprise=world.enterprise.pk,
            district=world.regions["410105"].pk,
            membership=viewer_membership(world).pk,
        )
    )


NEW_MEMBER = {"username": "new-colleague", "role": "staff", "password": "a-long-Passw0rd!"}

CASES = [
    MatrixCase(
        "region-list",
        "get",
        lambda w: reverse("orgs:region_list"),
        {**ANONYMOUS_HTML, **EVERYONE_SIGNED_IN},
    ),
    MatrixCase(
        "region-detail",
        "get",
        lambda w: reverse("orgs:region_detail", args=[w.regions["410105"].pk]),
        {**ANONYMOUS_HTML, **ENTERPRISE_READERS},
    ),
    MatrixCase(
        "organisation-list",
        "get",
        lambda w: reverse("orgs:organisation_list"),
        {**ANONYMOUS_HTML, **EVERYONE_SIGNED_IN},
    ),
    MatrixCase(
        "organisation-detail",
        "get",
        enterprise_url("orgs:organisation_detail"),
        {**ANONYMOUS_HTML, **ENTERPRISE_READERS},
    ),
    MatrixCase(
        "organisation-edit-form",
        "get",
        enterprise_url("orgs:organisation_update"),
        {**ANONYMOUS_HTML, **ENTERPRISE_ADMINS_ONLY, "same_enterprise": 200, "platform_admin": 200},
    ),
    MatrixCase(
        "organisation-edit",
        "post",
        enterprise_url("orgs:organisation_update"),
        {**ANONYMOUS_HTML, **ENTERPRISE_ADMINS_ONLY, "same_enterprise": 302, "platform_admin": 302},
        data=lambda w: {"name": "改名后的企业", "size_class": "small", "industry": "C"},
    ),
    MatrixCase(
        "audit-log",
        "get",
        enterprise_url("orgs:audit_event_list"),
        {**ANONYMOUS_HTML, **ENTERPRISE_ADMINS_ONLY, "same_enterprise": 200, "platform_admin": 200},
    ),
    MatrixCase(
        "audit-log-filtered",
        "get",
        lambda w: (
            reverse("orgs:audit_event_list", args=[w.enterprise.pk])
            + "?group=orgs&operator=system&since=2026-01-01&until=2026-12-31"
        ),
        {**ANONYMOUS_HTML, **ENTERPRISE_ADMINS_ONLY, "same_enterprise": 200, "platform_admin": 200},
    ),
    MatrixCase(
        "membership-add-form",
        "get",
        enterprise_url("orgs:membership_add"),
        {**ANONYMOUS_HTML, **ENTERPRISE_ADMINS_ONLY, "same_enterprise": 200, "platform_admin": 200},
    ),
    MatrixCase(
        "membership-add",
        "post",
        enterprise_url("orgs:membership_add"),
        {**ANONYMOUS_HTML, **ENTERPRISE_ADMINS_ONLY, "same_enterprise": 302, "platform_admin": 302},
        data=lambda w: NEW_MEMBER,
    ),
    MatrixCase(
        "membership-role",
        "post",
        viewer_membership_url("orgs:membership_role"),
        {
            **ANONYMOUS_HTML,
            "same_enterprise_viewer": 403,
            "same_enterprise": 302,
            "platform_admin": 302,
        },
        data=lambda w: {"role": "staff"},
    ),
    MatrixCase(
        "membership-remove",
        "post",
        viewer_membership_url("orgs:membership_remove"),
        {
            **ANONYMOUS_HTML,
            "same_enterprise_viewer": 403,
            "same_enterprise": 302,
            "platform_admin": 302,
        },
        data=lambda w: {},
    ),
    MatrixCase(
        "api-region-list", "get", api("/regions"), {**ANONYMOUS_API, **EVERYONE_SIGNED_IN}, api=True
    ),
    MatrixCase(
        "api-region-detail",
        "get",
        api("/regions/{district}"),
        {**ANONYMOUS_API, **ENTERPRISE_READERS},
        api=True,
    ),
    MatrixCase(
        "api-organisation-list",
        "get",
        api("/organisations"),
        {**ANONYMOUS_API, **EVERYONE_SIGNED_IN},
        api=True,
    ),
    MatrixCase(
        "api-organisation-detail",
        "get",
        api("/organisations/{enterprise}"),
        {**ANONYMOUS_API, **ENTERPRISE_READERS},
        api=True,
    ),
    MatrixCase(
        "api-organisation-patch",
        "patch",
        api("/organisations/{enterprise}"),
        {**ANONYMOUS_API, **ENTERPRISE_ADMINS_ONLY, "same_enterprise": 200, "platform_admin": 200},
        data=lambda w: {"address": "郑州市金水区新地址"},
        api=True,
    ),
    MatrixCase(
        "api-membership-list",
        "get",
        api("/organisations/{enterprise}/memberships"),
        {**ANONYMOUS_API, **ENTERPRISE_READERS},
        api=True,
    ),
    MatrixCase(
        "api-membership-add",
        "post",
        api("/organisations/{enterprise}/memberships"),
        {**ANONYMOUS_API, **ENTERPRISE_ADMINS_ONLY, "same_enterprise": 201, "platform_admin": 201},
        data=lambda w: NEW_MEMBER,
        api=True,
    ),
    MatrixCase(
        "api-membership-patch",
        "patch",
        api("/memberships/{membership}"),
        {
            **ANONYMOUS_API,
            "same_enterprise_viewer": 403,
            "same_enterprise": 200,
            "platform_admin": 200,
        },
        data=lambda w: {"role": "staff"},
        api=True,
    ),
    MatrixCase(
        "api-membership-delete",
        "delete",
        api("/memberships/{membership}"),
        {
            **ANONYMOUS_API,
            "same_enterprise_viewer": 403,
            "same_enterprise": 204,
            "platform_admin": 204,
        },
        api=True,
    ),
    MatrixCase(
        "api-audit-events",
        "get",
        api("/organisations/{enterprise}/audit-events"),
        {**ANONYMOUS_API, **ENTERPRISE_ADMINS_ONLY, "same_enterprise": 200, "platform_admin": 200},
        api=True,
    ),
    MatrixCase(
        "api-audit-events-filtered",
        "get",
        api("/organisations/{enterprise}/audit-events?group=orgs&operator=system&since=2026-01-01"),
        {**ANONYMOUS_API, **ENTERPRISE_ADMINS_ONLY, "same_enterprise": 200, "platform_admin": 200},
        api=True,
    ),
]


@pytest.mark.parametrize(("case", "actor"), matrix_params(CASES))
def test_permission_matrix(matrix_world, case, actor):
    check(matrix_world, case, actor)
