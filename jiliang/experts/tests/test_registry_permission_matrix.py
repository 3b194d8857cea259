"""Every page and endpoint of the expert registry against the permission matrix. The expert of
``registry_world``: the institution's admin (``institution``, 郑州市); the group: the 郑州市
regulator's (``regulator_above``). Experts and groups are open to everyone signed in; a bureau
over the expert's region and the expert's organisation's admins change an expert, the expert
sets their own availability, and the group's bureau changes the group."""

import pytest
from django.urls import resolve, reverse

from jiliang.core.testing.matrix import SIGNED_IN_ACTORS, MatrixCase, check, matrix_params
from jiliang.experts.api.registry import router
from jiliang.experts.tests.registry_world import build_registry
from jiliang.experts.urls import registry as urls

ANONYMOUS = {"anonymous": 302}
SIGNED_IN = {**ANONYMOUS, **dict.fromkeys(SIGNED_IN_ACTORS, 200)}
API_SIGNED_IN = {"anonymous": 401, **dict.fromkeys(SIGNED_IN_ACTORS, 200)}
# Who changes the expert: the bureau over 郑州市, the institution's admin, platform staff.
EXPERT_EDITORS = {"regulator_above": 200, "institution": 200, "platform_admin": 200}
GROUP_EDITORS = {"regulator_above": 200, "platform_admin": 200}
# Who may register experts at all: bureaus and administrators of an organisation.
REGISTRARS = {
    **dict.fromkeys(SIGNED_IN_ACTORS, 200),
    "same_enterprise_viewer": 403,
}
BUREAUS = {"regulator_above": 200, "sibling_regulator": 200, "platform_admin": 200}


@pytest.fixture
def world(matrix_world):
    return matrix_world


def registry(world):
    if not hasattr(world, "registry"):
        world.registry = build_registry(world)
    return world.registry


def expert(world):
    return registry(world).expert.pk


def group(world):
    return registry(world).group.pk


def page(name, *args):
    return lambda world: reverse(f"experts:{name}", args=[arg(world) for arg in args])


def moved(expected: dict, status: int) -> dict:
    return {actor: status if code == 200 else code for actor, code in expected.items()}


def expert_form(world):
    registry(world)
    return {
        "username": "candidate",
        "organisation": world.organisations["institution"].pk,
        "title": "工程师",
        "knows_thermal": "on",
        "specialties_thermal": "温度",
    }


def profile_form(world):
    return {
        "organisation": world.organisations["institution"].pk,
        "title": "正高级工程师",
        "knows_mechanics": "on",
    }


def group_form(world):
    registry(world)
    return {
        "bureau": world.organisations["regulator_above"].pk,
        "name": "新专家组",
        "kind": "service",
        "fields": ["mechanics"],
        "members": "institution",
        "leader": "institution",
        "is_active": "on",
    }


VIEW_CASES = [
    MatrixCase("expert-list", "get", page("expert_list"), SIGNED_IN),
    MatrixCase("expert-detail", "get", page("expert_detail", expert), SIGNED_IN),
    MatrixCase("expert-create-form", "get", page("expert_create"), {**ANONYMOUS, **REGISTRARS}),
    MatrixCase(
        "expert-create",
        "post",
        page("expert_create"),
        {
            **ANONYMOUS,
            **dict.fromkeys(SIGNED_IN_ACTORS, 400),  # the institution is not theirs to choose
            **moved(EXPERT_EDITORS, 302),
            "same_enterprise_viewer": 403,
        },
        data=expert_form,
    ),
    MatrixCase(
        "expert-update-form",
        "get",
        page("expert_update", expert),
        {**ANONYMOUS, **EXPERT_EDITORS},
        default=403,
    ),
    MatrixCase(
        "expert-update",
        "post",
        page("expert_update", expert),
        {**ANONYMOUS, **moved(EXPERT_EDITORS, 302)},
        default=403,
        data=profile_form,
    ),
    MatrixCase(
        "expert-availability-form",
        "get",
        page("expert_availability", expert),
        {**ANONYMOUS, **EXPERT_EDITORS},
        default=403,
    ),
    MatrixCase(
        "expert-availability",
        "post",
        page("expert_availability", expert),
        {**ANONYMOUS, **moved(EXPERT_EDITORS, 302)},
        default=403,
        data=lambda world: {"unavailable_until": "2999-01-01"},
    ),
    MatrixCase("group-list", "get", page("group_list"), SIGNED_IN),
    MatrixCase("group-detail", "get", page("group_detail", group), SIGNED_IN),
    MatrixCase(
        "group-create-form", "get", page("group_create"), {**ANONYMOUS, **BUREAUS}, default=403
    ),
    MatrixCase(
        "group-create",
        "post",
        page("group_create"),
        {**ANONYMOUS, **moved(GROUP_EDITORS, 302), "sibling_regulator": 400},
        default=403,
        data=group_form,
    ),
    MatrixCase(
        "group-update-form",
        "get",
        page("group_update", group),
        {**ANONYMOUS, **GROUP_EDITORS},
        default=403,
    ),
    MatrixCase(
        "group-update",
        "post",
        page("group_update", group),
        {**ANONYMOUS, **moved(GROUP_EDITORS, 302)},
        default=403,
        data=group_form,
    ),
    MatrixCase(
        "group-deactivate",
        "post",
        page("group_deactivate", group),
        {**ANONYMOUS, **moved(GROUP_EDITORS, 302)},
        default=403,
        data=lambda world: {},
    ),
]


def api(path, *args):
    return lambda world: "/api/v1" + path.format(*[arg(world) for arg in args])


def api_moved(expected, status):
    return {"anonymous": 401, **moved(expected, status)}


API_CASES = [
    MatrixCase("api-expert-list", "get", api("/experts"), API_SIGNED_IN, api=True),
    MatrixCase(
        "api-expert-register",
        "post",
        api("/experts"),
        api_moved(EXPERT_EDITORS, 201),  # the institution is out of sight for the others
        data=lambda world: {
            "username": registry(world).candidate.username,
            "organisation": world.organisations["institution"].pk,
            "title": "工程师",
            "fields": [{"field": "thermal", "specialties": "温度"}],
        },
        api=True,
    ),
    MatrixCase("api-expert", "get", api("/experts/{}", expert), API_SIGNED_IN, api=True),
    MatrixCase(
        "api-expert-update",
        "patch",
        api("/experts/{}", expert),
        api_moved(EXPERT_EDITORS, 200),
        default=403,
        data=lambda world: {"title": "正高级工程师"},
        api=True,
    ),
    MatrixCase(
        "api-expert-availability",
        "post",
        api("/experts/{}/availability", expert),
        api_moved(EXPERT_EDITORS, 200),
        default=403,
        data=lambda world: {"is_available": False},
        api=True,
    ),
    MatrixCase("api-group-list", "get", api("/expert-groups"), API_SIGNED_IN, api=True),
    MatrixCase(
        "api-group-create",
        "post",
        api("/expert-groups"),
        api_moved(GROUP_EDITORS, 201),  # the 郑州市 bureau is out of sight for the others
        data=lambda world: {
            "bureau": world.organisations["regulator_above"].pk,
            "name": "API 专家组",
            "members": [expert(world)],
        },
        api=True,
    ),
    MatrixCase("api-group", "get", api("/expert-groups/{}", group), API_SIGNED_IN, api=True),
    MatrixCase(
        "api-group-update",
        "patch",
        api("/expert-groups/{}", group),
        api_moved(GROUP_EDITORS, 200),
        default=403,
        data=lambda world: {"name": "改名", "is_active": False},
        api=True,
    ),
]


@pytest.mark.parametrize(("case", "actor"), matrix_params(VIEW_CASES))
def test_registry_pages(world, case, actor):
    check(world, case, actor)


@pytest.mark.parametrize(("case", "actor"), matrix_params(API_CASES))
def test_registry_endpoints(world, case, actor):
    check(world, case, actor)


def test_the_matrix_covers_every_registry_page_and_endpoint(world):
    requested = {resolve(case.url(world).split("?")[0]).url_name for case in VIEW_CASES}
    assert requested == {pattern.name for pattern in urls.urlpatterns}
    operations = {
        (method.lower(), "/api/v1" + path)
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    }
    covered = {(case.method, resolve(case.url(world)).route) for case in API_CASES}
    assert len(operations) == len(API_CASES) == len(covered)
