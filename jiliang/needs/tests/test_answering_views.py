"""The answering pages: surveys, answering (draft, errors at the question, submit), paper
entry, the owner's distribution page, the public link, the to-do and the 360° panel."""

import pytest
from django.urls import reverse
from django.utils import timezone

from jiliang.core.dashboards import registry
from jiliang.core.scoping import scope_for
from jiliang.needs.choices import QuestionnaireStatus, ResponseSource, ResponseStatus
from jiliang.needs.hooks.answering import enterprise_todos
from jiliang.needs.models import Response
from jiliang.needs.tests.factories import survey
from jiliang.notifications.models import Notification

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def form(world):
    return survey(world.organisations["regulator_above"], region=world.regions["410100"])


def answer_url(world, form):
    return reverse("answering:answer", args=[form.pk, world.enterprise.pk])


def test_the_enterprise_finds_the_questionnaire_and_answers_it(world, form):
    client = world.client_for("same_enterprise", language="en")
    page = client.get(reverse("answering:surveys"))
    assert page.status_code == 200
    assert answer_url(world, form) in page.content.decode()
    page = client.get(answer_url(world, form))
    html = page.content.decode()
    assert "data-skip-logic" in html
    # The skip logic for the browser (jsonb may order the keys its own way).
    assert (
        '<fieldset class="jl-question mb-4" id="question-lab_staff" data-question="lab_staff" '
        'data-relevant="{' in html
    )
    assert "&quot;has_lab&quot;" in html
    # A bad answer: 400, the message at its question, the draft not saved.
    page = client.post(answer_url(world, form), {"has_lab": "yes", "lab_staff": "900", "save": ""})
    assert page.status_code == 400
    assert "“计量室人数”: 900 is outside its range 0–500 人." in page.content.decode()
    assert not Response.objects.exists()
    page = client.post(answer_url(world, form), {"has_lab": "yes", "lab_staff": "9", "save": ""})
    assert page.status_code == 302
    assert Response.objects.get().status == ResponseStatus.DRAFT
    # Submitting without the required answers names them at their questions.
    page = client.post(answer_url(world, form), {"has_lab": "yes", "lab_staff": "9", "submit": ""})
    assert page.status_code == 400
    assert "“需要哪些服务” is required." in page.content.decode()
    page = client.post(
        answer_url(world, form),
        {"has_lab": "no", "needs": ["calibration", "other"], "needs.other": "能源",
         "instruments": "40", "satisfaction.speed": "5", "submit": ""},
    )  # fmt: skip
    assert page.status_code == 302
    response = Response.objects.get()
    assert response.status == ResponseStatus.SUBMITTED
    assert sorted(response.answers.values_list("question__name", flat=True)) == [
        "has_lab", "instruments", "needs", "needs", "satisfaction",
    ]  # fmt: skip
    page = client.get(answer_url(world, form))
    assert "Submitted on" in page.content.decode()
    assert "速度: 5" in page.content.decode()


def test_the_to_do_counts_the_questionnaires_waiting(world, form, django_assert_max_num_queries):
    user = world.users["same_enterprise"]
    scope_for(user)  # read by every request before the dashboard's to-dos
    with django_assert_max_num_queries(3):
        (todo,) = enterprise_todos(user, timezone.localdate())
    assert todo.count == 1
    assert todo.url == reverse("answering:surveys")
    assert "needs.surveys" in [p.key for p in registry.todo_providers("enterprise")]


def test_staff_enter_a_paper_questionnaire_marked_as_such(world, form):
    client = world.client_for("regulator_above", language="en")
    page = client.get(reverse("answering:paper", args=[form.pk]))
    assert page.status_code == 200
    entry = reverse("answering:paper_entry", args=[form.pk, world.enterprise.pk])
    assert entry in page.content.decode()
    assert "marked as entered from paper" in client.get(entry).content.decode()
    page = client.post(
        entry, {"respondent_name": "王芳", "has_lab": "no", "needs": "policy", "submit": ""}
    )
    assert page.status_code == 302
    response = Response.objects.get()
    assert (response.source, response.entered_by, response.respondent_name) == (
        ResponseSource.PAPER,
        world.users["regulator_above"],
        "王芳",
    )
    panel = world.client_for("regulator_above", language="en").get(
        reverse("orgs:organisation_detail", args=[world.enterprise.pk])
    )
    assert "Entered from paper" in panel.content.decode()
    assert "企业计量需求调研" in panel.content.decode()
    assert world.client_for("sibling_regulator", language="en").get(entry).status_code == 404


def test_the_owner_sends_the_questionnaire_out(world, django_capture_on_commit_callbacks):
    draft = survey(world.organisations["regulator_above"], status=QuestionnaireStatus.DRAFT)
    client = world.client_for("regulator_above", language="en")
    url = reverse("answering:distribution", args=[draft.pk])
    assert client.get(url).status_code == 200
    page = client.post(reverse("answering:open", args=[draft.pk]))
    assert page.status_code == 400
    assert "Choose the enterprises to ask, or allow the public link." in page.content.decode()
    page = client.post(url, {"audience_region": world.regions["410100"].pk,
                             "audience_sizes": ["small"], "audience_tags": ""})  # fmt: skip
    assert page.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("answering:open", args=[draft.pk])).status_code == 302
    assert Notification.objects.filter(recipient=world.users["same_enterprise"]).count() == 1
    assert client.post(reverse("answering:remind", args=[draft.pk])).status_code == 302
    assert client.post(reverse("answering:close", args=[draft.pk])).status_code == 302
    draft.refresh_from_db()
    assert draft.status == QuestionnaireStatus.CLOSED


def test_anyone_with_the_public_link_answers(client, world, form):
    client.cookies["django_language"] = "en"
    url = reverse("answering:public", args=[form.public_token])
    assert client.get(url).status_code == 404
    form.public_link_enabled = True
    form.save()
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="respondent_contact"' in page.content.decode()
    page = client.post(url, {"respondent_name": "赵磊", "respondent_contact": "138",
                             "has_lab": "no"})  # fmt: skip
    assert page.status_code == 400
    assert "“需要哪些服务” is required." in page.content.decode()
    assert not Response.objects.exists()
    page = client.post(url, {"respondent_name": "赵磊", "respondent_contact": "138",
                             "has_lab": "no", "needs": "policy"})  # fmt: skip
    assert page.status_code == 302
    response = Response.objects.get()
    assert (response.source, response.enterprise, response.respondent_contact) == (
        ResponseSource.PUBLIC_LINK,
        None,
        "138",
    )
