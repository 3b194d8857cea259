"""Every fieldwork page and endpoint against the permission matrix. The team of
``fieldwork_world``: the 郑州市 regulator's (``regulator_above``), with the institution's admin
(``institution``) as its one member, serving the enterprise of 金水区 (``same_enterprise``)."""

import pytest
from django.urls import resolve, reverse

from jiliang.core.testing.matrix import SIGNED_IN_ACTORS, MatrixCase, check, matrix_params
from jiliang.needs.api.fieldwork import router
from jiliang.needs.tests.fieldwork_world import build_fieldwork, draft_order
from jiliang.needs.urls import fieldwork as urls

ANONYMOUS = {"anonymous": 302}
SIGNED_IN = {**ANONYMOUS, **dict.fromkeys(SIGNED_IN_ACTORS, 200)}
API_SIGNED_IN = {"anonymous": 401, **dict.fromkeys(SIGNED_IN_ACTORS, 200)}
# Who sees the team: its bureau, its member, platform staff.
TEAM = {"regulator_above": 200, "institution": 200, "platform_admin": 200}
# Who sees the visits to the enterprise: those, and the enterprise's members.
VISIT = {**TEAM, "same_enterprise": 200, "same_enterprise_viewer": 200}
BUREAUS_ONLY = {"regulator_above": 200, "platform_admin": 200}


@pytest.fixture
def world(matrix_world):
    """The matrix world, built once for the module's tests."""
    return matrix_world


def work(world):
    if not hasattr(world, "fieldwork"):
        world.fieldwork = build_fieldwork(world)
    return world.fieldwork


def team(world):
    return work(world).team.pk


def visit(world):
    return work(world).visit.pk


def need(world):
    return work(world).need.pk


def order(world):
    if not hasattr(world, "draft_order"):
        world.draft_order = draft_order(world)
    return world.draft_order.pk


def page(name, *args):
    return lambda world: reverse(f"fieldwork:{name}", args=[arg(world) for arg in args])


def moved(expected: dict, status: int) -> dict:
    return {actor: status if code == 200 else code for actor, code in expected.items()}


def team_form(world):
    return {
        "bureau": world.organisations["regulator_above"].pk,
        "name": "新服务队",
        "formed_on": "2020-05-01",
        "leader": "institution",
        "enterprises": world.enterprise.uscc,
    }


def visit_form(world):
    return {
        "visited_on": "2020-06-01",
        "enterprise": world.enterprise.pk,
        "members_present": [world.users["institution"].pk],
        "service_person_times": 1,
        "materials_handed_out": 5,
        "needs-TOTAL_FORMS": 1,
        "needs-INITIAL_FORMS": 0,
        "needs-0-topic": "training",
        "needs-0-description": "培训",
        "needs-0-urgency": "normal",
    }


VIEW_CASES = [
    MatrixCase("team-list", "get", page("team_list"), SIGNED_IN),
    MatrixCase("team-detail", "get", page("team_detail", team), {**ANONYMOUS, **TEAM}),
    MatrixCase(
        "team-create-form",
        "get",
        page("team_create"),
        {**ANONYMOUS, **BUREAUS_ONLY, "sibling_regulator": 200},
        default=403,
    ),
    MatrixCase(
        "team-create",
        "post",
        page("team_create"),
        {**ANONYMOUS, **moved(BUREAUS_ONLY, 302), "sibling_regulator": 400},
        default=403,
        data=team_form,
    ),
    MatrixCase(
        "team-update-form",
        "get",
        page("team_update", team),
        {**ANONYMOUS, **BUREAUS_ONLY, "institution": 403},
    ),
    MatrixCase(
        "team-update",
        "post",
        page("team_update", team),
        {**ANONYMOUS, **moved(BUREAUS_ONLY, 302), "institution": 403},
        data=team_form,
    ),
    MatrixCase(
        "team-deactivate",
        "post",
        page("team_deactivate", team),
        {**ANONYMOUS, **moved(BUREAUS_ONLY, 302), "institution": 403},
        data=lambda world: {},
    ),
    MatrixCase("visit-create-form", "get", page("visit_create", team), {**ANONYMOUS, **TEAM}),
    MatrixCase(
        "visit-create",
        "post",
        page("visit_create", team),
        {**ANONYMOUS, **moved(TEAM, 302)},
        data=visit_form,
    ),
    MatrixCase("visit-list", "get", page("visit_list"), SIGNED_IN),
    MatrixCase("visit-detail", "get", page("visit_detail", visit), {**ANONYMOUS, **VISIT}),
    MatrixCase(
        "visit-update-form",
        "get",
        page("visit_update", visit),
        {**ANONYMOUS, **TEAM, "same_enterprise": 403, "same_enterprise_viewer": 403},
    ),
    MatrixCase(
        "visit-update",
        "post",
        page("visit_update", visit),
        {**ANONYMOUS, **moved(TEAM, 302), "same_enterprise": 403, "same_enterprise_viewer": 403},
        data=visit_form,
    ),
    MatrixCase("need-list", "get", page("need_list"), SIGNED_IN),
    MatrixCase(
        "need-create-form",
        "get",
        page("need_create"),
        {**ANONYMOUS, "same_enterprise": 200, "other_enterprise": 200, "platform_admin": 200},
        default=403,
    ),
    MatrixCase(
        "need-create",
        "post",
        page("need_create"),
        {**ANONYMOUS, "same_enterprise": 302, "other_enterprise": 400, "platform_admin": 302},
        default=403,
        data=lambda world: {
            "enterprise": world.enterprise.pk,
            "topic": "mms",
            "description": "体系",
            "urgency": "normal",
        },
    ),
    MatrixCase("need-detail", "get", page("need_detail", need), {**ANONYMOUS, **VISIT}),
    MatrixCase(
        "need-status",
        "post",
        page("need_status", need),
        {
            **ANONYMOUS,
            **moved(VISIT, 302),
            "same_enterprise_viewer": 403,
        },
        data=lambda world: {"status": "in_progress"},
    ),
    MatrixCase(
        "need-order",
        "post",
        page("need_order", need),
        {
            **ANONYMOUS,
            "same_enterprise": 302,
            "platform_admin": 302,
            "same_enterprise_viewer": 403,
            "institution": 400,  # sees no order of the enterprise
            "regulator_above": 400,
        },
        data=lambda world: {"order": order(world)},
    ),
]


def api(path, *args):
    return lambda world: "/api/v1" + path.format(*[arg(world) for arg in args])


def api_moved(expected, status):
    return {"anonymous": 401, **moved(expected, status)}


API_CASES = [
    MatrixCase("api-team-list", "get", api("/teams"), API_SIGNED_IN, api=True),
    MatrixCase(
        "api-team-create",
        "post",
        api("/teams"),
        {"anonymous": 401, "regulator_above": 201, "platform_admin": 201},
        data=lambda world: {
            "bureau": world.organisations["regulator_above"].pk,
            "name": "API 队",
            "formed_on": "2020-02-01",
            "leader": "institution",
            "enterprises": [world.enterprise.pk],
        },
        api=True,
    ),
    MatrixCase("api-team", "get", api("/teams/{}", team), {"anonymous": 401, **TEAM}, api=True),
    MatrixCase(
        "api-team-update",
        "patch",
        api("/teams/{}", team),
        {**api_moved(BUREAUS_ONLY, 200), "institution": 403},
        data=lambda world: {"name": "改名"},
        api=True,
    ),
    MatrixCase(
        "api-team-deactivate",
        "post",
        api("/teams/{}/deactivate", team),
        {**api_moved(BUREAUS_ONLY, 200), "institution": 403},
        api=True,
    ),
    MatrixCase(
        "api-team-members",
        "put",
        api("/teams/{}/members", team),
        {**api_moved(BUREAUS_ONLY, 200), "institution": 403},
        data=lambda world: {"members": []},
        api=True,
    ),
    MatrixCase(
        "api-team-assignments",
        "put",
        api("/teams/{}/assignments", team),
        {**api_moved(BUREAUS_ONLY, 200), "institution": 403},
        data=lambda world: {"enterprises": [world.enterprise.pk]},
        api=True,
    ),
    MatrixCase("api-visit-list", "get", api("/visits"), API_SIGNED_IN, api=True),
    MatrixCase(
        "api-visit-create",
        "post",
        api("/visits"),
        api_moved(TEAM, 201),
        data=lambda world: {
            "team": team(world),
            "enterprise": world.enterprise.pk,
            "visited_on": "2020-06-01",
            "members_present": [world.users["institution"].pk],
            "needs": [{"topic": "training", "description": "培训"}],
        },
        api=True,
    ),
    MatrixCase("api-visit", "get", api("/visits/{}", visit), {"anonymous": 401, **VISIT}, api=True),
    MatrixCase(
        "api-visit-update",
        "patch",
        api("/visits/{}", visit),
        {**api_moved(TEAM, 200), "same_enterprise": 403, "same_enterprise_viewer": 403},
        data=lambda world: {"findings": "更正"},
        api=True,
    ),
    MatrixCase("api-need-list", "get", api("/needs"), API_SIGNED_IN, api=True),
    MatrixCase(
        "api-need-create",
        "post",
        api("/needs"),
        {
            "anonymous": 401,
            "same_enterprise": 201,
            "platform_admin": 201,
            "same_enterprise_viewer": 403,
            "regulator_above": 403,
        },
        data=lambda world: {
            "enterprise": world.enterprise.pk,
            "topic": "mms",
            "description": "体系",
        },
        api=True,
    ),
    MatrixCase("api-need", "get", api("/needs/{}", need), {"anonymous": 401, **VISIT}, api=True),
    MatrixCase(
        "api-need-status",
        "post",
        api("/needs/{}/status", need),
        {**api_moved(VISIT, 200), "same_enterprise_viewer": 403},
        data=lambda world: {"status": "in_progress"},
        api=True,
    ),
    MatrixCase(
        "api-need-order",
        "post",
        api("/needs/{}/order", need),
        {
            "anonymous": 401,
            "same_enterprise": 200,
            "platform_admin": 200,
            "same_enterprise_viewer": 403,
        },
        data=lambda world: {"order": order(world)},
        api=True,
    ),
]


@pytest.mark.parametrize(("case", "actor"), matrix_params(VIEW_CASES))
def test_fieldwork_pages(world, case, actor):
    check(world, case, actor)


@pytest.mark.parametrize(("case", "actor"), matrix_params(API_CASES))
def test_fieldwork_endpoints(world, case, actor):
    check(world, case, actor)


def test_the_matrix_covers_every_fieldwork_page_and_endpoint(world):
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
