"""Every consultation page and endpoint against the permission matrix. The questions of
``consultations_world``: the enterprise of 金水区 (``same_enterprise``) asked them; the
institution's admin (``institution``) is the expert they were routed to. A private question is
seen by the asker's organisation and the assigned experts only; a public one by everyone."""

import pytest
from django.urls import resolve, reverse

from jiliang.core.testing.matrix import SIGNED_IN_ACTORS, MatrixCase, check, matrix_params
from jiliang.experts.api.consultations import router
from jiliang.experts.tests.consultations_world import build_consultations
from jiliang.experts.urls import consultations as urls

ANONYMOUS = {"anonymous": 302}
SIGNED_IN = {**ANONYMOUS, **dict.fromkeys(SIGNED_IN_ACTORS, 200)}
EVERYONE = {"anonymous": 200, **dict.fromkeys(SIGNED_IN_ACTORS, 200)}
API_SIGNED_IN = {"anonymous": 401, **dict.fromkeys(SIGNED_IN_ACTORS, 200)}
# Who sees a private question: the asker, their organisation, the assigned expert, staff.
PRIVATE = {
    "same_enterprise": 200,
    "same_enterprise_viewer": 200,
    "institution": 200,
    "platform_admin": 200,
}
# Who sees it but may not act on it (the asker acts; the expert answers).
ONLOOKERS_OF_PRIVATE = {"same_enterprise_viewer": 403, "platform_admin": 403}
# Seeing a public question, without the right to reassign it.
NOT_REASSIGNING = {
    actor: 403
    for actor in SIGNED_IN_ACTORS
    if actor not in ("institution", "regulator_above", "anonymous")
}


@pytest.fixture(scope="module")
def module_world(module_world):
    """With the questions, experts and group, built once for the module's tests."""
    module_world.consultations = build_consultations(module_world)
    return module_world


@pytest.fixture
def world(matrix_world):
    return matrix_world


def private(world):
    return world.consultations.private.pk


def answered(world):
    return world.consultations.answered.pk


def public(world):
    return world.consultations.public.pk


def page(name, *args):
    return lambda world: reverse(f"consultations:{name}", args=[arg(world) for arg in args])


def moved(expected: dict, status: int) -> dict:
    return {actor: status if code == 200 else code for actor, code in expected.items()}


def ask_form(world):
    return {"field": "mechanics", "title": "新问题", "body": "详细说明", "is_public": "on"}


def accept_form(world):
    reply = world.consultations.answered.replies.get(expert__isnull=False)
    return {"reply": reply.pk, "rating": 5, "comment": "好"}


def reassign_form(world):
    return {"expert": world.consultations.other.pk}


VIEW_CASES = [
    MatrixCase("list", "get", page("list"), SIGNED_IN),
    MatrixCase("inbox", "get", page("inbox"), SIGNED_IN),
    MatrixCase("public-list", "get", page("public"), EVERYONE),
    MatrixCase("ask-form", "get", page("ask"), SIGNED_IN),
    MatrixCase("ask", "post", page("ask"), moved(SIGNED_IN, 302), data=ask_form),
    MatrixCase("detail-private", "get", page("detail", private), {**ANONYMOUS, **PRIVATE}),
    MatrixCase("detail-public", "get", page("detail", public), EVERYONE),
    MatrixCase(
        "reply-form",
        "get",
        page("reply", answered),
        {**ANONYMOUS, **PRIVATE, **ONLOOKERS_OF_PRIVATE},
    ),
    MatrixCase(
        "reply",
        "post",
        page("reply", answered),
        {**ANONYMOUS, **moved(PRIVATE, 302), **ONLOOKERS_OF_PRIVATE},
        data=lambda world: {"body": "回复内容"},
    ),
    MatrixCase(
        "accept",
        "post",
        page("accept", answered),
        {
            **ANONYMOUS,
            **PRIVATE,
            "same_enterprise": 302,
            "institution": 403,
            **ONLOOKERS_OF_PRIVATE,
        },
        data=accept_form,
    ),
    MatrixCase(
        "reassign",
        "post",
        page("reassign", public),
        {**ANONYMOUS, **NOT_REASSIGNING, "institution": 302, "regulator_above": 302},
        data=reassign_form,
    ),
    MatrixCase(
        "close",
        "post",
        page("close", private),
        {
            **ANONYMOUS,
            **PRIVATE,
            "same_enterprise": 302,
            "institution": 403,
            **ONLOOKERS_OF_PRIVATE,
        },
    ),
]


def api(path, *args):
    return lambda world: "/api/v1" + path.format(*[arg(world) for arg in args])


def api_moved(expected, status):
    return {"anonymous": 401, **moved(expected, status)}


API_CASES = [
    MatrixCase("api-list", "get", api("/consultations"), API_SIGNED_IN, api=True),
    MatrixCase(
        "api-ask",
        "post",
        api("/consultations"),
        api_moved(API_SIGNED_IN, 201),
        data=lambda world: {"field": "mechanics", "title": "API 问题", "is_public": False},
        api=True,
    ),
    MatrixCase(
        "api-detail-private",
        "get",
        api("/consultations/{}", private),
        {"anonymous": 401, **PRIVATE},
        api=True,
    ),
    MatrixCase(
        "api-reply",
        "post",
        api("/consultations/{}/replies", answered),
        {**api_moved(PRIVATE, 201), **ONLOOKERS_OF_PRIVATE},
        data=lambda world: {"body": "回复内容"},
        api=True,
    ),
    MatrixCase(
        "api-accept",
        "post",
        api("/consultations/{}/accept", answered),
        {"anonymous": 401, **PRIVATE, "institution": 403, **ONLOOKERS_OF_PRIVATE},
        data=lambda world: {**accept_form(world), "comment": "好"},
        api=True,
    ),
    MatrixCase(
        "api-reassign",
        "post",
        api("/consultations/{}/reassign", public),
        {"anonymous": 401, **NOT_REASSIGNING, "institution": 200, "regulator_above": 200},
        data=reassign_form,
        api=True,
    ),
    MatrixCase(
        "api-close",
        "post",
        api("/consultations/{}/close", private),
        {"anonymous": 401, **PRIVATE, "institution": 403, **ONLOOKERS_OF_PRIVATE},
        api=True,
    ),
]


@pytest.mark.parametrize(("case", "actor"), matrix_params(VIEW_CASES))
def test_consultation_pages(world, case, actor):
    check(world, case, actor)


@pytest.mark.parametrize(("case", "actor"), matrix_params(API_CASES))
def test_consultation_endpoints(world, case, actor):
    check(world, case, actor)


def test_the_matrix_covers_every_consultation_page_and_endpoint(world):
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
