"""Demo answers (idempotent, through the services): the province bureau's template
questionnaire opened to the enterprises of 河南省, 60 submitted responses from enterprises
across its cities (a third typed in from paper by the bureau), a draft of demo-enterprise's,
and the campaigns' indicator "questionnaires collected" counted from them."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from jiliang.campaigns.models import Indicator
from jiliang.campaigns.services import indicator_update
from jiliang.needs import logic
from jiliang.needs.choices import QuestionKind, QuestionnaireStatus
from jiliang.needs.demos.questionnaires import TEMPLATE_TITLE
from jiliang.needs.hooks.answering import QUESTIONNAIRES
from jiliang.needs.models import Questionnaire, Response
from jiliang.needs.services import answer_data, answering, distribution
from jiliang.needs.services import questionnaires as questionnaire_services
from jiliang.orgs import services as org_services
from jiliang.orgs.demo import demo_uscc
from jiliang.orgs.models import Membership, Organisation, Region

SEED = 15
DAYS_OPEN = 60
# Open a month longer, with the automatic reminder a week before the close date.
DAYS_LEFT = 30
REMINDER_DAYS = 7
# Where the enterprises that answer are, three in each: the cities of 河南省, 郑州市金水区 and
# 巩义市 (code, short name). The demo enterprises of the orgs demo do not answer: their
# profiles are that demo's, which a submission would change.
CITIES = [
    ("410100", "郑州"), ("410200", "开封"), ("410300", "洛阳"), ("410400", "平顶山"),
    ("410500", "安阳"), ("410600", "鹤壁"), ("410700", "新乡"), ("410800", "焦作"),
    ("410900", "濮阳"), ("411000", "许昌"), ("411100", "漯河"), ("411200", "三门峡"),
    ("411300", "南阳"), ("411400", "商丘"), ("411500", "信阳"), ("411600", "周口"),
    ("411700", "驻马店"), ("419001", "济源"), ("410105", "金水"), ("410181", "巩义"),
]  # fmt: skip
TRADES = [
    ("精工机械", "C"), ("恒通电气", "C"), ("绿源食品", "C"), ("宏远建材", "C"),
    ("鑫达化工", "C"), ("中科检测", "M"), ("顺达燃气", "D"), ("华宇建设", "E"),
    ("众诚商贸", "F"),
]  # fmt: skip
SIZES = ["small", "micro", "medium"]
TEXTS = ["希望多组织计量培训", "检定周期太短，费用偏高", "需要能源计量方面的指导", ""]


def load(admin) -> None:
    survey = (
        Questionnaire.objects.filter(
            owner__memberships__user__username="demo-province", title=TEMPLATE_TITLE
        ).first()
        or Questionnaire.objects.filter(
            owner__memberships__user__username="demo-province", status=QuestionnaireStatus.OPEN
        ).first()
    )
    if survey is None:
        return
    bureau_user = _admin_of("demo-province")
    if survey.status == QuestionnaireStatus.DRAFT:
        _open(bureau_user, survey)
    enterprises = _enterprises(admin)
    rng = random.Random(SEED)
    form = answer_data.load_form(survey)
    for index, enterprise in enumerate(enterprises):
        if Response.objects.filter(questionnaire=survey, enterprise=enterprise).exists():
            continue
        data = answers_for(form, enterprise, rng)
        if index % 3 == 2:
            response = answering.paper_response_start(
                actor=bureau_user, questionnaire=survey, enterprise=enterprise,
                respondent_name="办公室",
            )  # fmt: skip
            user = bureau_user
        else:
            user = _answerer(admin, enterprise, index)
            response = answering.response_start(
                actor=user, questionnaire=survey, enterprise=enterprise
            )
        answering.save_answers(actor=user, response=response, data=data)
        answering.submit_response(actor=user, response=response)
        # Spread over the weeks the questionnaire has been open, for the campaign's months.
        moment = timezone.now() - timedelta(days=rng.randint(0, DAYS_OPEN - 1), hours=index % 9)
        Response.objects.filter(pk=response.pk).update(submitted_at=moment)
    _draft(survey, form, rng)
    _count_in_campaigns(admin)


def _admin_of(username: str):
    return Membership.objects.select_related("user").get(user__username=username).user


def _open(user, survey) -> None:
    today = timezone.localdate()
    questionnaire_services.questionnaire_update(
        actor=user,
        questionnaire=survey,
        data={
            "opens_on": today - timedelta(days=DAYS_OPEN),
            "closes_on": today + timedelta(DAYS_LEFT),
            "reminder_days": REMINDER_DAYS,
        },
    )
    distribution.audience_set(
        actor=user,
        questionnaire=survey,
        data={"audience_region": Region.objects.get(code="410000"), "public_link_enabled": True},
    )
    distribution.questionnaire_open(actor=user, questionnaire=survey)
    Questionnaire.objects.filter(pk=survey.pk).update(
        published_at=timezone.now() - timedelta(days=DAYS_OPEN)
    )


def _enterprises(admin) -> list[Organisation]:
    """Three enterprises in each of ``CITIES``."""
    made = []
    serial = 1100
    for code, city in CITIES:
        region = Region.objects.get(code=code)
        for number in range(3):
            serial += 1
            trade, section = TRADES[(serial + number) % len(TRADES)]
            uscc = demo_uscc("91", code, serial)
            enterprise = Organisation.objects.filter(uscc=uscc).first()
            made.append(
                enterprise
                or org_services.organisation_create(
                    actor=admin,
                    kind="enterprise",
                    name=f"{city}{trade}有限公司",
                    uscc=uscc,
                    region=region,
                    size_class=SIZES[serial % len(SIZES)],
                    industry=section,
                )
            )
    return made


def _answerer(admin, enterprise, index: int):
    """The enterprise's administrator (a demo account without a password)."""
    membership = Membership.objects.filter(organisation=enterprise, role="admin").first()
    if membership:
        return membership.user
    user = org_services.user_create(
        actor=admin, username=f"respondent-{index:02d}", email=f"respondent{index:02d}@example.com"
    )
    org_services.membership_add(actor=admin, organisation=enterprise, user=user, role="admin")
    return user


def answers_for(form, enterprise, rng: random.Random) -> dict:
    """Plausible answers to every shown question (skip logic followed), by kind."""
    data, values = {}, {}
    for section in form.sections:
        if not logic.holds(section.relevant, values):
            continue
        for question in section.items:
            if not logic.holds(question.relevant, values):
                continue
            value = _answer(question, enterprise, rng)
            if value not in (None, "", [], {}):
                data[question.name] = value
                values[question.name] = set(value) if isinstance(value, list) else value
    return data


def _answer(question, enterprise, rng: random.Random):
    options = [option.value for option in question.options]
    kind = question.kind
    if kind == QuestionKind.SINGLE and options:
        return rng.choice(options)
    if kind == QuestionKind.MULTIPLE and options:
        return rng.sample(options, rng.randint(1, min(3, len(options))))
    if kind == QuestionKind.MATRIX and options:
        return {row.value: rng.choice(options[len(options) // 2 :]) for row in question.rows}
    if kind == QuestionKind.NUMBER:
        low = int(question.minimum or 0)
        high = int(min(question.maximum or Decimal(200), Decimal(low + 200)))
        return str(rng.randint(low, max(low, high)))
    if kind == QuestionKind.DATE:
        return (timezone.localdate() - timedelta(days=rng.randint(400, 9000))).isoformat()
    if kind == QuestionKind.REGION:
        return enterprise.region.code
    if kind == QuestionKind.TEXT:
        return rng.choice(TEXTS) if question.required is False else "无"
    return None


def _draft(survey, form, rng) -> None:
    """demo-enterprise has begun: about half its answers saved."""
    user = _admin_of("demo-enterprise")
    enterprise = Membership.objects.get(user=user).organisation
    if Response.objects.filter(questionnaire=survey, enterprise=enterprise).exists():
        return
    response = answering.response_start(actor=user, questionnaire=survey, enterprise=enterprise)
    data = answers_for(form, enterprise, rng)
    half = dict(list(data.items())[: max(1, len(data) // 2)])
    answering.save_answers(actor=user, response=response, data=half)


def _count_in_campaigns(admin) -> None:
    indicator = Indicator.objects.filter(code=QUESTIONNAIRES).first()
    if indicator is not None and indicator.counter != QUESTIONNAIRES:
        indicator_update(actor=admin, indicator=indicator, data={"counter": QUESTIONNAIRES})
