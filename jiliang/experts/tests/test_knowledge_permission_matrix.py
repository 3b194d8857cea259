"""Every knowledge page and endpoint against the permission matrix. ``knowledge_world``: the
郑州市 bureau (``regulator_above``) publishes a common question and keeps a draft; a solved
problem of the enterprise of 金水区 may be published anonymised; one is a typical case; a
public consultation has an accepted answer. Reading is open to everyone, anonymous included;
writing is for the bureaus above (and platform administrators)."""

import pytest
from django.urls import reverse

from jiliang.core.testing.matrix import (
    ALL_ACTORS,
    SIGNED_IN_ACTORS,
    MatrixCase,
    check,
    matrix_params,
)
from jiliang.experts.tests.knowledge_world import build_knowledge

EVERYONE = dict.fromkeys(ALL_ACTORS, 200)
ANONYMOUS = {"anonymous": 302}
# Who sees the draft (and may edit the bureau's texts): the bureau and platform staff.
BUREAU = {"regulator_above": 200, "platform_admin": 200}
# Who may open a bureau's form at all: any regulator's admins, and platform staff.
BUREAUS = {**BUREAU, "sibling_regulator": 200}


@pytest.fixture(scope="module")
def module_world(module_world):
    module_world.knowledge = build_knowledge(module_world)
    return module_world


@pytest.fixture
def world(matrix_world):
    return matrix_world


def entry(world):
    return world.knowledge.entry.pk


def draft(world):
    return world.knowledge.draft.pk


def case(world):
    return world.knowledge.case.pk


def solved(world):
    return world.knowledge.solved.pk


def consultation(world):
    return world.knowledge.consultation.pk


def page(name, *args, query=""):
    return lambda world: reverse(f"knowledge:{name}", args=[arg(world) for arg in args]) + query


def moved(expected: dict, status: int) -> dict:
    return {actor: status if code == 200 else code for actor, code in expected.items()}


def entry_form(world):
    return {"question": "衡器多久检定？", "answer": "一年。", "field": "mechanics", "tags": ""}


def publishing_form(world):
    return {
        **entry_form(world),
        "is_published": "on",
        "publisher": world.organisations["regulator_above"].pk,
    }


def case_form(world):
    return {
        "title": "压力变送器溯源",
        "problem_summary": "无法溯源。",
        "solution_summary": "送检。",
    }


VIEW_CASES = [
    MatrixCase("search", "get", page("search", query="?q=压力表+多久检定一次"), EVERYONE),
    MatrixCase("search-hostile", "get", page("search", query="?q=%22+OR+1%3D1+--"), EVERYONE),
    MatrixCase("suggest", "get", page("suggest", query="?title=压力表检定周期"), EVERYONE),
    MatrixCase("entry", "get", page("entry_detail", entry), EVERYONE),
    MatrixCase("entry-draft", "get", page("entry_detail", draft), BUREAU),
    MatrixCase("case-list", "get", page("case_list"), EVERYONE),
    MatrixCase("case", "get", page("case_detail", case), EVERYONE),
    MatrixCase("collect", "get", page("collect"), {**ANONYMOUS, **BUREAUS}, default=403),
    MatrixCase(
        "entry-create-form", "get", page("entry_create"), {**ANONYMOUS, **BUREAUS}, default=403
    ),
    MatrixCase(
        "entry-create",
        "post",
        page("entry_create"),
        # The sibling bureau may not publish for the 郑州市 bureau: the form refuses the choice.
        {**ANONYMOUS, **moved(BUREAU, 302), "sibling_regulator": 400},
        default=403,
        data=publishing_form,
    ),
    MatrixCase(
        "entry-edit-form",
        "get",
        page("entry_edit", entry),
        {**ANONYMOUS, **BUREAU},
        default=403,
    ),
    MatrixCase(
        "entry-edit",
        "post",
        page("entry_edit", entry),
        {**ANONYMOUS, **moved(BUREAU, 302)},
        default=403,
        data=entry_form,
    ),
    MatrixCase(
        "entry-from-consultation",
        "post",
        page("entry_from_consultation", consultation),
        {**ANONYMOUS, **moved(BUREAU, 302), "sibling_regulator": 400},
        default=403,
        data=publishing_form,
    ),
    MatrixCase(
        "case-publish-form",
        "get",
        page("case_publish", solved),
        # Problems are seen by their enterprise, its assignees and the bureaus above.
        {
            **ANONYMOUS,
            **BUREAU,
            "same_enterprise": 403,
            "same_enterprise_viewer": 403,
            "institution": 403,
        },
    ),
    MatrixCase(
        "case-publish",
        "post",
        page("case_publish", solved),
        {
            **ANONYMOUS,
            **moved(BUREAU, 302),
            "same_enterprise": 403,
            "same_enterprise_viewer": 403,
            "institution": 403,
        },
        data=case_form,
    ),
    MatrixCase(
        "case-edit-form", "get", page("case_edit", case), {**ANONYMOUS, **BUREAU}, default=403
    ),
    MatrixCase(
        "case-edit",
        "post",
        page("case_edit", case),
        {**ANONYMOUS, **moved(BUREAU, 302)},
        default=403,
        data=lambda world: {
            **case_form(world),
            "enterprise_shown_as": "某企业",
            "is_published": "on",
        },
    ),
]


def api(path, *args):
    return lambda world: "/api/v1" + path.format(*[arg(world) for arg in args])


API_WRITERS = {"anonymous": 401, **dict.fromkeys(SIGNED_IN_ACTORS, 403)}

API_CASES = [
    MatrixCase("api-search", "get", api("/knowledge/search?q=压力表"), EVERYONE, api=True),
    MatrixCase("api-entry-list", "get", api("/knowledge-entries"), EVERYONE, api=True),
    MatrixCase("api-entry", "get", api("/knowledge-entries/{}", entry), EVERYONE, api=True),
    MatrixCase("api-entry-draft", "get", api("/knowledge-entries/{}", draft), BUREAU, api=True),
    MatrixCase(
        "api-entry-create",
        "post",
        api("/knowledge-entries"),
        {**API_WRITERS, "regulator_above": 201, "sibling_regulator": 201, "platform_admin": 201},
        data=lambda world: {"question": "衡器多久检定？", "answer": "一年。"},
        api=True,
    ),
    MatrixCase(
        "api-entry-update",
        "patch",
        api("/knowledge-entries/{}", entry),
        {**API_WRITERS, **BUREAU},
        data=lambda world: {"tags": "压力表"},
        api=True,
    ),
    MatrixCase(
        "api-entry-draft-update",
        "patch",
        api("/knowledge-entries/{}", draft),
        {"anonymous": 401, **BUREAU},
        data=lambda world: {"is_published": True},
        api=True,
    ),
    MatrixCase("api-case-list", "get", api("/typical-cases"), EVERYONE, api=True),
    MatrixCase("api-case", "get", api("/typical-cases/{}", case), EVERYONE, api=True),
    MatrixCase(
        "api-case-publish",
        "post",
        api("/typical-cases"),
        {
            "anonymous": 401,
            "regulator_above": 201,
            "platform_admin": 201,
            "same_enterprise": 403,
            "same_enterprise_viewer": 403,
            "institution": 403,
        },
        data=lambda world: {"problem": solved(world)},
        api=True,
    ),
]


@pytest.mark.parametrize(("case", "actor"), matrix_params(VIEW_CASES))
def test_knowledge_pages(world, case, actor):
    check(world, case, actor)


@pytest.mark.parametrize(("case", "actor"), matrix_params(API_CASES))
def test_knowledge_endpoints(world, case, actor):
    check(world, case, actor)
