"""The demo questionnaires: the province's template questionnaire and 郑州市's adapted copy,
loaded through the services, idempotent."""

import pytest
from django.contrib.auth import get_user_model

from jiliang.needs.demos import questionnaires as demo
from jiliang.needs.models import Questionnaire
from jiliang.orgs import demo as orgs_demo


@pytest.fixture
def admin(db):
    admin = get_user_model().objects.create_superuser("demo-admin-test", "a@example.com", "x")
    orgs_demo.load(admin)
    return admin


def test_demo_loads_the_template_and_a_copy_once(admin):
    demo.load(admin)
    demo.load(admin)
    survey = Questionnaire.objects.get(title=demo.TEMPLATE_TITLE)
    assert survey.owner.name == "河南省市场监督管理局"
    assert survey.status == "draft"
    assert 30 <= survey.questions.count() <= 40
    copy = Questionnaire.objects.get(copied_from=survey)
    assert copy.owner.name == "郑州市市场监督管理局"
    assert copy.questions.count() == survey.questions.count() + 1
    assert Questionnaire.objects.count() == 2
