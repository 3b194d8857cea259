"""The answering demo: the template questionnaire open to 河南省, 60 responses from
enterprises across its cities (some from paper), demo-enterprise's draft, loading twice adds
nothing, and the campaigns count the questionnaires collected."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from jiliang.campaigns.counting import counter_names
from jiliang.campaigns.models import Indicator
from jiliang.needs.choices import QuestionnaireStatus, ResponseSource, ResponseStatus
from jiliang.needs.demos import answering as demo
from jiliang.needs.demos import questionnaires as questionnaires_demo
from jiliang.needs.models import Questionnaire, Response
from jiliang.orgs import demo as orgs_demo


@pytest.fixture
def loaded(db):
    admin = get_user_model().objects.create_superuser("demo-admin", "a@example.com", "x")
    orgs_demo.load(admin)
    questionnaires_demo.load(admin)
    demo.load(admin)
    return admin


def test_the_template_is_answered_across_henan(loaded):
    responses = Response.objects.filter(questionnaire__title=questionnaires_demo.TEMPLATE_TITLE)
    survey = responses.first().questionnaire
    assert survey.status == QuestionnaireStatus.OPEN
    assert survey.audience_region.code == "410000"
    submitted = responses.filter(status=ResponseStatus.SUBMITTED)
    assert submitted.count() == 60
    cities = {path.split("/")[3] for path in submitted.values_list("region_path", flat=True)}
    assert len(cities) >= 15
    assert submitted.filter(source=ResponseSource.PAPER).count() >= 15
    draft = responses.get(enterprise__name="郑州恒信精密机械有限公司")
    assert draft.status == ResponseStatus.DRAFT
    assert draft.answers.exists()
    assert "questionnaires" in counter_names()
    assert Indicator.objects.get(code="questionnaires").counter == "questionnaires"
    before = Response.objects.count()
    demo.load(loaded)
    assert Response.objects.count() == before


@pytest.mark.usefixtures("english")
def test_the_template_shows_its_automatic_reminder(loaded, client):
    survey = Questionnaire.objects.get(title=questionnaires_demo.TEMPLATE_TITLE)
    day = timezone.localdate() + timedelta(demo.DAYS_LEFT - demo.REMINDER_DAYS)
    assert survey.reminder_on == day
    client.force_login(get_user_model().objects.get(username="demo-province"))
    client.cookies["django_language"] = "en"
    page = client.get(reverse("questionnaires:questionnaire_detail", args=[survey.pk]))
    assert f"automatic reminder on {day:%Y-%m-%d}" in page.text
