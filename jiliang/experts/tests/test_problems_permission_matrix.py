"""Every problems and joint-project page and endpoint against the permission matrix, on the
world of ``problems_world``: a problem is seen by its enterprise, its assignees (the
institution) and the bureaus above it (``regulator_above``); each step is taken by its party
only (the others who see the problem get 403, the rest 404)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse

from jiliang.core.testing.matrix import SIGNED_IN_ACTORS, MatrixCase, check, matrix_params
from jiliang.experts.api.problems import router
from jiliang.experts.api.projects import router as project_router
from jiliang.experts.tests.problems_world import PDF, build_problems
from jiliang.experts.urls import problems as urls
from jiliang.needs.models import Need

ANONYMOUS = {"anonymous": 302}
SIGNED_IN = {**ANONYMOUS, **dict.fromkeys(SIGNED_IN_ACTORS, 200)}
API_SIGNED_IN = {"anonymous": 401, **dict.fromkeys(SIGNED_IN_ACTORS, 200)}
ENTERPRISE = {"same_enterprise": 200, "same_enterprise_viewer": 200}
# Who sees a new problem: its enterprise, the bureau above, platform staff.
NEW = {**ENTERPRISE, "regulator_above": 200, "platform_admin": 200}
# Who sees an assigned one: those, and the institution it is assigned to.
ASSIGNED = {**NEW, "institution": 200}
# Who sees the joint project: its bureau, its institution, its problems' enterprise.
PROJECT = ASSIGNED
SEEN_NOT_MINE = {"same_enterprise_viewer": 403}


@pytest.fixture
def world(matrix_world):
    return matrix_world


def work(world):
    if not hasattr(world, "problems"):
        world.problems = build_problems(world)
    return world.problems


def need(world):
    if not hasattr(world, "need"):
        world.need = Need.objects.create(
            enterprise=world.enterprise, topic="calibration", description="压力表送检难。"
        )
    return world.need.pk


def fresh(world):
    return work(world).fresh.pk


def assigned(world):
    return work(world).assigned.pk


def started(world):
    return work(world).started.pk


def proposed(world):
    return work(world).proposed.pk


def document(world):
    return work(world).assigned.documents.get().pk


def project(world):
    return work(world).project.pk


def milestone(world):
    return work(world).milestone.pk


def project_document(world):
    return work(world).project.documents.get().pk


def page(name, *args):
    return lambda world: reverse(f"problems:{name}", args=[arg(world) for arg in args])


def moved(expected: dict, status: int) -> dict:
    return {actor: status if code == 200 else code for actor, code in expected.items()}


def refused(expected: dict, status: int, *actors) -> dict:
    return {**expected, **dict.fromkeys(actors, status)}


def problem_form(world):
    return {
        "enterprise": world.enterprise.pk,
        "title": "量块溯源",
        "category": "traceability",
        "field": "length",
        "description": "量块无法溯源。",
        "urgency": "normal",
    }


def upload(world):
    return {"file": SimpleUploadedFile("记录.pdf", PDF, content_type="application/pdf")}


# Party by party: who may take a step of a problem they see.
BUREAU = refused(ASSIGNED, 403, "same_enterprise", "same_enterprise_viewer", "institution")
ASSIGNEE = refused(ASSIGNED, 403, "same_enterprise", "same_enterprise_viewer", "regulator_above")
OWNER = refused(ASSIGNED, 403, "same_enterprise_viewer", "institution", "regulator_above")
BUREAU_OR_ASSIGNEE = refused(ASSIGNED, 403, "same_enterprise", "same_enterprise_viewer")
ANY_PARTY = refused(ASSIGNED, 403, "same_enterprise_viewer")
RUNS_PROJECT = refused(PROJECT, 403, *ENTERPRISE, "institution")

VIEW_CASES = [
    MatrixCase("list", "get", page("problem_list"), SIGNED_IN),
    MatrixCase(
        "create-form",
        "get",
        page("problem_create"),
        {**ANONYMOUS, "same_enterprise": 200, "other_enterprise": 200},
        default=403,
    ),
    MatrixCase(
        "create",
        "post",
        page("problem_create"),
        # Another enterprise may state its own problems, not this one's.
        {**ANONYMOUS, "same_enterprise": 302, "other_enterprise": 400},
        default=403,
        data=problem_form,
    ),
    MatrixCase(
        "record-form",
        "get",
        page("problem_record"),
        {**ANONYMOUS, "regulator_above": 200, "sibling_regulator": 200, "platform_admin": 200},
        default=403,
    ),
    MatrixCase(
        "record",
        "post",
        page("problem_record"),
        {**ANONYMOUS, "regulator_above": 302, "sibling_regulator": 400, "platform_admin": 302},
        default=403,
        data=lambda world: {**problem_form(world), "enterprise": world.enterprise.uscc},
    ),
    MatrixCase(
        "from-need-form",
        "get",
        page("problem_from_need", need),
        {**ANONYMOUS, **NEW, **SEEN_NOT_MINE},
    ),
    MatrixCase(
        "from-need",
        "post",
        page("problem_from_need", need),
        {**ANONYMOUS, **moved(NEW, 302), **SEEN_NOT_MINE, "same_enterprise": 400},
        data=lambda world: {
            "title": "压力表送检",
            "category": "equipment",
            "field": "mechanics",
            "description": "压力表送检难。",
            "urgency": "normal",
        },
    ),
    MatrixCase("detail", "get", page("problem_detail", fresh), {**ANONYMOUS, **NEW}),
    MatrixCase(
        "detail-assigned", "get", page("problem_detail", assigned), {**ANONYMOUS, **ASSIGNED}
    ),
    MatrixCase(
        "assign-form",
        "get",
        page("problem_assign", assigned),
        {**ANONYMOUS, **BUREAU},
    ),
    MatrixCase(
        "assign",
        "post",
        page("problem_assign", assigned),
        {**ANONYMOUS, **moved(BUREAU, 302)},
        data=lambda world: {
            "institution": world.organisations["institution"].pk,
            "target_workdays": 5,
        },
    ),
    MatrixCase("start-form", "get", page("problem_start", assigned), {**ANONYMOUS, **ASSIGNEE}),
    MatrixCase(
        "start",
        "post",
        page("problem_start", assigned),
        {**ANONYMOUS, **moved(ASSIGNEE, 302)},
        data=lambda world: {},
    ),
    MatrixCase("propose-form", "get", page("problem_propose", started), {**ANONYMOUS, **ASSIGNEE}),
    MatrixCase(
        "propose",
        "post",
        page("problem_propose", started),
        {**ANONYMOUS, **moved(ASSIGNEE, 302)},
        data=lambda world: {"solution": "送省院校准。"},
    ),
    MatrixCase("confirm-form", "get", page("problem_confirm", proposed), {**ANONYMOUS, **OWNER}),
    MatrixCase(
        "confirm",
        "post",
        page("problem_confirm", proposed),
        {**ANONYMOUS, **moved(OWNER, 302)},
        data=lambda world: {"rating": 4, "comment": "好", "case_consent": "no"},
    ),
    MatrixCase(
        "unsolvable-form",
        "get",
        page("problem_unsolvable", assigned),
        {**ANONYMOUS, **BUREAU_OR_ASSIGNEE},
    ),
    MatrixCase(
        "unsolvable",
        "post",
        page("problem_unsolvable", assigned),
        {**ANONYMOUS, **moved(BUREAU_OR_ASSIGNEE, 302)},
        data=lambda world: {"reason": "无法溯源。"},
    ),
    MatrixCase("reopen-form", "get", page("problem_reopen", proposed), {**ANONYMOUS, **OWNER}),
    MatrixCase(
        "reopen",
        "post",
        page("problem_reopen", proposed),
        {**ANONYMOUS, **moved(OWNER, 302)},
        data=lambda world: {"note": "方案不可行。"},
    ),
    MatrixCase(
        "document-add-form",
        "get",
        page("problem_document_add", assigned),
        {**ANONYMOUS, **ANY_PARTY},
    ),
    MatrixCase(
        "document-add",
        "post",
        page("problem_document_add", assigned),
        {**ANONYMOUS, **moved(ANY_PARTY, 302)},
        data=upload,
    ),
    MatrixCase(
        "document", "get", page("problem_document", assigned, document), {**ANONYMOUS, **ASSIGNED}
    ),
    MatrixCase("project-list", "get", page("project_list"), SIGNED_IN),
    MatrixCase(
        "project-create-form",
        "get",
        page("project_create"),
        {**ANONYMOUS, "regulator_above": 200, "sibling_regulator": 200},
        default=403,
    ),
    MatrixCase(
        "project-create",
        "post",
        page("project_create"),
        {**ANONYMOUS, "regulator_above": 302, "sibling_regulator": 400},
        default=403,
        data=lambda world: {
            "bureau": world.organisations["regulator_above"].pk,
            "title": "联合攻关",
            "goal": "攻关",
            "started_on": "2020-05-01",
            "problems": [fresh(world)],
        },
    ),
    MatrixCase("project", "get", page("project_detail", project), {**ANONYMOUS, **PROJECT}),
    MatrixCase(
        "milestone-add-form", "get", page("milestone_add", project), {**ANONYMOUS, **RUNS_PROJECT}
    ),
    MatrixCase(
        "milestone-add",
        "post",
        page("milestone_add", project),
        {**ANONYMOUS, **moved(RUNS_PROJECT, 302)},
        data=lambda world: {"title": "样机", "due_on": "2020-09-01"},
    ),
    MatrixCase(
        "milestone-done",
        "post",
        page("milestone_done", project, milestone),
        {**ANONYMOUS, **moved(RUNS_PROJECT, 302)},
        data=lambda world: {},
    ),
    MatrixCase(
        "project-document-add-form",
        "get",
        page("project_document_add", project),
        {**ANONYMOUS, **RUNS_PROJECT},
    ),
    MatrixCase(
        "project-document-add",
        "post",
        page("project_document_add", project),
        {**ANONYMOUS, **moved(RUNS_PROJECT, 302)},
        data=upload,
    ),
    MatrixCase(
        "project-document",
        "get",
        page("project_document", project, project_document),
        {**ANONYMOUS, **PROJECT},
    ),
    MatrixCase(
        "project-finish-form", "get", page("project_finish", project), {**ANONYMOUS, **RUNS_PROJECT}
    ),
    MatrixCase(
        "project-finish",
        "post",
        page("project_finish", project),
        {**ANONYMOUS, **moved(RUNS_PROJECT, 302)},
        data=lambda world: {"outcome": "样机通过比对。"},
    ),
]


def api(path, *args):
    return lambda world: "/api/v1" + path.format(*[arg(world) for arg in args])


def api_moved(expected, status):
    return {"anonymous": 401, **moved(expected, status)}


API_CASES = [
    MatrixCase("api-list", "get", api("/problems"), API_SIGNED_IN, api=True),
    MatrixCase(
        "api-create",
        "post",
        api("/problems"),
        {
            "anonymous": 401,
            "same_enterprise": 201,
            "platform_admin": 201,
            "same_enterprise_viewer": 403,
            "regulator_above": 403,
        },
        data=problem_form,
        api=True,
    ),
    MatrixCase(
        "api-from-need",
        "post",
        api("/problems/from-need"),
        {**api_moved(NEW, 201), **SEEN_NOT_MINE, "same_enterprise": 400},
        data=lambda world: {"need": need(world), "category": "equipment", "field": "mechanics"},
        api=True,
    ),
    MatrixCase(
        "api-detail", "get", api("/problems/{}", assigned), {"anonymous": 401, **ASSIGNED}, api=True
    ),
    MatrixCase(
        "api-assign",
        "post",
        api("/problems/{}/assign", assigned),
        api_moved(BUREAU, 200),
        data=lambda world: {
            "institution": world.organisations["institution"].pk,
            "target_workdays": 5,
        },
        api=True,
    ),
    MatrixCase(
        "api-start", "post", api("/problems/{}/start", assigned), api_moved(ASSIGNEE, 200), api=True
    ),
    MatrixCase(
        "api-propose",
        "post",
        api("/problems/{}/propose", started),
        api_moved(ASSIGNEE, 200),
        data=lambda world: {"solution": "送省院校准。"},
        api=True,
    ),
    MatrixCase(
        "api-confirm",
        "post",
        api("/problems/{}/confirm", proposed),
        api_moved(OWNER, 200),
        data=lambda world: {"rating": 5},
        api=True,
    ),
    MatrixCase(
        "api-unsolvable",
        "post",
        api("/problems/{}/unsolvable", assigned),
        api_moved(BUREAU_OR_ASSIGNEE, 200),
        data=lambda world: {"reason": "无法溯源。"},
        api=True,
    ),
    MatrixCase(
        "api-reopen",
        "post",
        api("/problems/{}/reopen", proposed),
        api_moved(OWNER, 200),
        data=lambda world: {"note": "方案不可行。"},
        api=True,
    ),
    MatrixCase(
        "api-document",
        "get",
        api("/problems/{}/documents/{}", assigned, document),
        {"anonymous": 401, **ASSIGNED},
        api=True,
    ),
    MatrixCase("api-project-list", "get", api("/joint-projects"), API_SIGNED_IN, api=True),
    MatrixCase(
        "api-project-create",
        "post",
        api("/joint-projects"),
        {"anonymous": 401, "regulator_above": 201, "platform_admin": 201},
        default=404,
        data=lambda world: {
            "bureau": world.organisations["regulator_above"].pk,
            "title": "联合攻关",
            "goal": "攻关",
            "problems": [fresh(world)],
        },
        api=True,
    ),
    MatrixCase(
        "api-project",
        "get",
        api("/joint-projects/{}", project),
        {"anonymous": 401, **PROJECT},
        api=True,
    ),
    MatrixCase(
        "api-project-update",
        "patch",
        api("/joint-projects/{}", project),
        api_moved(RUNS_PROJECT, 200),
        data=lambda world: {"title": "改名"},
        api=True,
    ),
    MatrixCase(
        "api-milestone-add",
        "post",
        api("/joint-projects/{}/milestones", project),
        api_moved(RUNS_PROJECT, 201),
        data=lambda world: {"title": "样机", "due_on": "2020-09-01"},
        api=True,
    ),
    MatrixCase(
        "api-milestone-done",
        "post",
        api("/joint-projects/{}/milestones/{}/done", project, milestone),
        api_moved(RUNS_PROJECT, 200),
        api=True,
    ),
    MatrixCase(
        "api-project-finish",
        "post",
        api("/joint-projects/{}/finish", project),
        api_moved(RUNS_PROJECT, 200),
        data=lambda world: {"outcome": "完成。"},
        api=True,
    ),
]
# Multipart uploads, which the matrix's JSON requests cannot send: test_problems_api.py.
UPLOADS = {
    ("post", "api/v1/problems/<int:problem_id>/documents"),
    ("post", "api/v1/joint-projects/<int:project_id>/documents"),
}


@pytest.mark.parametrize(("case", "actor"), matrix_params(VIEW_CASES))
def test_problem_pages(world, case, actor):
    check(world, case, actor)


@pytest.mark.parametrize(("case", "actor"), matrix_params(API_CASES))
def test_problem_endpoints(world, case, actor):
    check(world, case, actor)


def test_the_matrix_covers_every_page_and_endpoint(world):
    requested = {resolve(case.url(world).split("?")[0]).url_name for case in VIEW_CASES}
    assert requested == {pattern.name for pattern in urls.urlpatterns}
    operations = {
        (method.lower(), "api/v1" + path.replace("{int:", "<int:").replace("}", ">"))
        for routes in (router, project_router)
        for path, view in routes.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    }
    covered = {(case.method, resolve(case.url(world)).route) for case in API_CASES}
    assert covered | UPLOADS == operations
