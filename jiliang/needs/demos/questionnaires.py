"""Demo questionnaires (idempotent, through the services): the province bureau's 企业计量需求调研
问卷 imported from the shipped XLSForm template (the answering demo opens and sends it), and a
draft copy of it that 郑州市's bureau is adapting."""

from __future__ import annotations

from jiliang.needs.models import Questionnaire
from jiliang.needs.services import questionnaires as services
from jiliang.orgs.models import Membership

TEMPLATE_TITLE = "企业计量需求调研问卷"
CITY_TITLE = "郑州市企业计量需求调研问卷（草稿）"


def load(admin) -> None:
    province_user, province = _member("demo-province")
    survey = Questionnaire.objects.filter(owner=province, title=TEMPLATE_TITLE).first()
    if survey is None:
        survey = services.questionnaire_from_template(actor=province_user, owner=province)
    city_user, city = _member("demo-city")
    if not Questionnaire.objects.filter(owner=city, copied_from=survey).exists():
        copy = services.questionnaire_copy(
            actor=city_user, questionnaire=survey, owner=city, title=CITY_TITLE
        )
        section = copy.sections.get(name="basic")
        services.question_add(
            actor=city_user,
            section=section,
            name="zone",
            kind="single",
            label="是否位于郑州航空港经济综合实验区",
            choices=[{"value": "yes", "label": "是"}, {"value": "no", "label": "否"}],
        )


def _member(username):
    membership = Membership.objects.select_related("user", "organisation").get(
        user__username=username, role="admin"
    )
    return membership.user, membership.organisation
