"""Every questionnaire page and endpoint against the permission matrix.

郑州市's bureau ("regulator_above") owns the questionnaire; the bureau of 河南省 ("province",
above it) reads it but may not change it (403); everyone else is told it does not exist (404):
enterprises, the institution, 开封市's bureau. A new questionnaire is for those who build for a
bureau or an institution. A refusal changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiliang.core.testing.matrix import ALL_ACTORS, MatrixCase, _member, check, matrix_params
from jiliang.needs.models import Question, Questionnaire, Section
from jiliang.needs.services import questionnaires as services
from jiliang.needs.tests.test_questionnaires_xlsform import workbook
from jiliang.orgs import services as org_services
from jiliang.orgs.demo import demo_uscc
from jiliang.orgs.models import Region

ACTORS = (*ALL_ACTORS, "province")
SIGNED_IN = [actor for actor in ACTORS if actor != "anonymous"]
BUILDERS = ("regulator_above", "sibling_regulator", "institution", "province", "platform_admin")
READERS = ("regulator_above", "province", "platform_admin")
EDITORS = ("regulator_above", "platform_admin")


@pytest.fixture(scope="module")
def module_world(module_world):
    """With 河南省's bureau and 郑州市's questionnaire, built once for the module's tests."""
    world = module_world
    admin = world.users["platform_admin"]
    province = org_services.organisation_create(
        actor=admin,
        kind="regulator",
        name="河南省市场监督管理局",
        uscc=demo_uscc("11", "410000", 960),
        region=Region.objects.get(code="410000"),
    )
    world.users["province"] = _member(admin, "province", province, "admin")
    world.tokens["province"] = _token(world.users["province"])
    owner = world.users["regulator_above"]
    questionnaire = services.questionnaire_create(
        actor=owner,
        owner=world.organisations["regulator_above"],
        title="调研",
        sections=[{"name": "basic", "title": "基本", "questions": [
            {"name": "q1", "kind": "text", "label": "问一"},
            {"name": "q2", "kind": "text", "label": "问二"}]}],
    )  # fmt: skip
    world.questionnaire = questionnaire
    return world


def _token(user):
    from jiliang.accounts import services as account_services

    return account_services.token_create(actor=user, user=user, name="matrix")[1]


def q(world):
    return Questionnaire.objects.get(pk=world.questionnaire.pk)


def section(world):
    return Section.objects.get(questionnaire=world.questionnaire, name="basic")


def question(world):
    return Question.objects.get(questionnaire=world.questionnaire, name="q2")


def page(name, obj=None):
    return lambda world: reverse(f"questionnaires:{name}", args=[obj(world).pk] if obj else [])


def statuses(ok, *, anonymous, readers=READERS, ok_for=EDITORS, refused=403):
    expected = {"anonymous": anonymous}
    expected.update(dict.fromkeys(readers, refused))
    expected.update(dict.fromkeys(ok_for, ok))
    return expected


ALL_SIGNED_IN = dict.fromkeys(SIGNED_IN, 200)
QUESTION = {"kind": "text", "label": "新问题", "name": "q3"}

VIEW_CASES = [
    MatrixCase("list", "get", page("questionnaire_list"), {"anonymous": 302, **ALL_SIGNED_IN}),
    MatrixCase("create-page", "get", page("questionnaire_create"),
               {"anonymous": 302, **dict.fromkeys(BUILDERS, 200)}),
    MatrixCase("create", "post", page("questionnaire_create"),
               {"anonymous": 302, **dict.fromkeys(BUILDERS, 400), **dict.fromkeys(EDITORS, 302)},
               data=lambda w: {"owner": w.organisations["regulator_above"].pk, "start": "blank",
                               "title": "新问卷"}),
    MatrixCase("import", "post", page("questionnaire_import"),
               {"anonymous": 302, **dict.fromkeys(BUILDERS, 400), **dict.fromkeys(EDITORS, 302)},
               data=lambda w: {"owner": w.organisations["regulator_above"].pk,
                               "file": SimpleUploadedFile("f.xlsx", workbook())}),
    MatrixCase("import-page", "get", page("questionnaire_import"),
               {"anonymous": 302, **dict.fromkeys(BUILDERS, 200)}),
    MatrixCase("copy-page", "get", page("questionnaire_copy", q),
               statuses(200, anonymous=302, ok_for=READERS)),
    MatrixCase("edit-page", "get", page("questionnaire_edit", q), statuses(200, anonymous=302)),
    MatrixCase("section-add-page", "get", page("section_add", q), statuses(200, anonymous=302)),
    MatrixCase("section-edit-page", "get", page("section_edit", section),
               statuses(200, anonymous=302)),
    MatrixCase("question-add-page", "get", page("question_add", section),
               statuses(200, anonymous=302)),
    MatrixCase("question-edit-page", "get", page("question_edit", question),
               statuses(200, anonymous=302)),
    MatrixCase("detail", "get", page("questionnaire_detail", q),
               statuses(200, anonymous=302, ok_for=READERS)),
    MatrixCase("preview", "get", page("questionnaire_preview", q),
               statuses(200, anonymous=302, ok_for=READERS)),
    MatrixCase("export", "get", page("questionnaire_export", q),
               statuses(200, anonymous=302, ok_for=READERS)),
    MatrixCase("copy", "post", page("questionnaire_copy", q),
               statuses(302, anonymous=302, ok_for=EDITORS, refused=400),
               data=lambda w: {"owner": w.organisations["regulator_above"].pk, "title": ""}),
    MatrixCase("edit", "post", page("questionnaire_edit", q), statuses(302, anonymous=302),
               data=lambda w: {"title": "改"}),
    MatrixCase("delete", "post", page("questionnaire_delete", q), statuses(302, anonymous=302),
               data=lambda w: {}),
    MatrixCase("section-add", "post", page("section_add", q), statuses(302, anonymous=302),
               data=lambda w: {"title": "新节"}),
    MatrixCase("section-edit", "post", page("section_edit", section),
               statuses(302, anonymous=302), data=lambda w: {"title": "改节"}),
    MatrixCase("section-move", "post", page("section_move", section),
               statuses(302, anonymous=302), data=lambda w: {"direction": "down"}),
    MatrixCase("section-delete", "post", page("section_delete", section),
               statuses(302, anonymous=302), data=lambda w: {}),
    MatrixCase("question-add", "post", page("question_add", section),
               statuses(302, anonymous=302), data=lambda w: QUESTION),
    MatrixCase("question-edit", "post", page("question_edit", question),
               statuses(302, anonymous=302), data=lambda w: {**QUESTION, "name": "q2"}),
    MatrixCase("question-move", "post", page("question_move", question),
               statuses(302, anonymous=302), data=lambda w: {"direction": "up"}),
    MatrixCase("question-delete", "post", page("question_delete", question),
               statuses(302, anonymous=302), data=lambda w: {}),
]  # fmt: skip


def api(path):
    return lambda world: (
        "/api/v1" + path.format(q=world.questionnaire.pk, question=question(world).pk)
    )


API_CASES = [
    MatrixCase("api-list", "get", api("/questionnaires"), {"anonymous": 401, **ALL_SIGNED_IN},
               api=True),
    MatrixCase("api-create", "post", api("/questionnaires"),
               {"anonymous": 401, **dict.fromkeys(SIGNED_IN, 404), "province": 403,
                **dict.fromkeys(EDITORS, 201)},
               data=lambda w: {"owner": w.organisations["regulator_above"].pk, "title": "新"},
               api=True),
    MatrixCase("api-read", "get", api("/questionnaires/{q}"),
               statuses(200, anonymous=401, ok_for=READERS), api=True),
    MatrixCase("api-definition", "get", api("/questionnaires/{q}/definition"),
               statuses(200, anonymous=401, ok_for=READERS), api=True),
    MatrixCase("api-export", "get", api("/questionnaires/{q}/xlsform"),
               statuses(200, anonymous=401, ok_for=READERS), api=True),
    MatrixCase("api-update", "patch", api("/questionnaires/{q}"), statuses(200, anonymous=401),
               data=lambda w: {"title": "改"}, api=True),
    MatrixCase("api-delete", "delete", api("/questionnaires/{q}"), statuses(204, anonymous=401),
               api=True),
    MatrixCase("api-copy", "post", api("/questionnaires/{q}/copy"),
               statuses(201, anonymous=401, ok_for=READERS), data=lambda w: {}, api=True),
    MatrixCase("api-section-add", "post", api("/questionnaires/{q}/sections"),
               statuses(201, anonymous=401), data=lambda w: {"title": "节"}, api=True),
    MatrixCase("api-question-add", "post", api("/questionnaires/{q}/questions"),
               statuses(201, anonymous=401), data=lambda w: {**QUESTION, "section": "basic"},
               api=True),
    MatrixCase("api-question-update", "patch", api("/questionnaires/{q}/questions/{question}"),
               statuses(200, anonymous=401), data=lambda w: {"label": "改"}, api=True),
    MatrixCase("api-question-delete", "delete",
               api("/questionnaires/{q}/questions/{question}"), statuses(204, anonymous=401),
               api=True),
]  # fmt: skip


@pytest.mark.parametrize(("case", "actor"), matrix_params(VIEW_CASES + API_CASES, ACTORS))
def test_permission_matrix(matrix_world, case, actor):
    check(matrix_world, case, actor)


def test_every_questionnaire_endpoint_is_in_the_matrix(matrix_world):
    paths = matrix_world.client_for("platform_admin", api=True).get("/api/v1/openapi.json").json()
    published = {
        (method, path)
        for path, operations in paths["paths"].items()
        for method, operation in operations.items()
        if "questionnaires" in operation.get("tags", ())  # this router's, not answering's
    }
    covered = {(case.method, _template(case.url(matrix_world))) for case in API_CASES} | {
        ("post", "/api/v1/questionnaires/import")
    }
    assert published == covered


def _template(url):
    import re

    url = re.sub(r"/questionnaires/\d+", "/questionnaires/{questionnaire_id}", url)
    return re.sub(r"/questions/\d+", "/questions/{question_id}", url)
