"""Survey results to test against: bureaus and enterprises of Henan, the factories' survey sent
by the province, and responses written straight to the models (tallies added as the submit
service adds them).

The responses (hand-counted expectations in test_results.py):

====  ===========  ========  =====  ======  ==========================================
name  region       industry  size   source  answers
====  ===========  ========  =====  ======  ==========================================
a     金水区        C         small  online  has_lab yes, lab_staff 4, needs training +
                                            calibration, instruments 10, satisfaction
                                            speed 5 price 3, remarks 需要培训
b     金水区        F         medium online  has_lab no, needs calibration + other 能源计量,
                                            instruments 30, satisfaction speed 4
c     开封市        C         small  paper   has_lab no, needs policy, employees 50
d     郑州市        C         small  (draft) has_lab yes (a draft: never counted)
====  ===========  ========  =====  ======  ==========================================

and an enterprise ``e`` in 开封市 invited that did not answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from jiliang.accounts.services import user_create
from jiliang.needs.choices import ResponseSource, ResponseStatus
from jiliang.needs.models import Answer, Choice, Question, Response
from jiliang.needs.services import tallies
from jiliang.needs.tests import factories
from jiliang.orgs import services as org_services
from jiliang.orgs.demo import demo_uscc
from jiliang.orgs.models import Region

PASSWORD = "results-password-1"
START = timezone.make_aware(datetime(2026, 5, 1, 9, 0))

ENTERPRISES = {
    # name: (region code, industry, size)
    "a": ("410105", "C", "small"),
    "b": ("410105", "F", "medium"),
    "c": ("410200", "C", "small"),
    "d": ("410100", "C", "small"),
    "e": ("410200", "C", "micro"),
}
BUREAUS = {"province": "410000", "zhengzhou": "410100", "kaifeng": "410200"}
ANSWERS = {
    "a": {
        "has_lab": "yes",
        "lab_staff": Decimal(4),
        "needs": ["training", "calibration"],
        "instruments": Decimal(10),
        "satisfaction": {"speed": "5", "price": "3"},
        "remarks": "需要培训",
    },
    "b": {
        "has_lab": "no",
        "needs": ["calibration", ("other", "能源计量")],
        "instruments": Decimal(30),
        "satisfaction": {"speed": "4"},
    },
    "c": {"has_lab": "no", "needs": ["policy"], "employees": Decimal(50)},
    "d": {"has_lab": "yes"},
}


@dataclass
class Survey:
    questionnaire: object
    regions: dict
    organisations: dict
    users: dict
    responses: dict = field(default_factory=dict)


def build_survey() -> Survey:
    admin = user_create(
        actor=None, username="results-admin", email="results-admin@example.com", is_staff=True
    )
    codes = ("410000", "410100", "410105", "410200")
    regions = {code: Region.objects.get(code=code) for code in codes}
    organisations, users = {}, {"admin": admin}
    for serial, (name, code) in enumerate(BUREAUS.items(), 1):
        organisations[name] = _organisation(admin, "regulator", f"{name} bureau", code, serial)
        users[name] = _member(admin, name, organisations[name])
    for serial, (name, (code, industry, size)) in enumerate(ENTERPRISES.items(), 10):
        organisations[name] = _organisation(
            admin, "enterprise", f"企业{name.upper()}", code, serial, industry, size
        )
        users[name] = _member(admin, f"enterprise-{name}", organisations[name])
    made = Survey(
        questionnaire=factories.survey(organisations["province"], region=regions["410000"]),
        regions=regions,
        organisations=organisations,
        users=users,
    )
    for number, (name, answers) in enumerate(ANSWERS.items()):
        made.responses[name] = respond(
            made.questionnaire,
            organisations[name],
            answers,
            submitted=None if name == "d" else START + timedelta(hours=number),
            source=ResponseSource.PAPER if name == "c" else ResponseSource.ONLINE,
        )
    return made


def _organisation(admin, kind, name, code, serial, industry="", size=""):
    return org_services.organisation_create(
        actor=admin,
        kind=kind,
        name=name,
        uscc=demo_uscc("91" if kind == "enterprise" else "11", code, 700 + serial),
        region=Region.objects.get(code=code),
        size_class=size,
        industry=industry,
    )


def _member(admin, username, organisation):
    user = user_create(
        actor=admin,
        username=f"results-{username}",
        email=f"results-{username}@example.com",
        password=PASSWORD,
        check_password_strength=False,
    )
    org_services.membership_add(actor=admin, organisation=organisation, user=user, role="admin")
    return user


def respond(questionnaire, enterprise, answers: dict, *, submitted=None, source="online"):
    """A response of ``enterprise`` with ``answers`` (question name → a choice's value, a list
    of them (("other", words) for "other"), a {row: point} dict, a Decimal or a text); when
    ``submitted`` (a moment) it is submitted and counted in the tallies."""
    response = Response.objects.create(
        questionnaire=questionnaire,
        enterprise=enterprise,
        region=enterprise.region,
        region_path=enterprise.region.path,
        industry=enterprise.industry,
        size_class=enterprise.size_class,
        source=source,
        status=ResponseStatus.SUBMITTED if submitted else ResponseStatus.DRAFT,
        submitted_at=submitted,
    )
    Answer.objects.bulk_create(answer_rows(questionnaire, response, answers))
    if submitted:
        tallies.add(response)
    return response


def answer_rows(questionnaire, response, answers: dict) -> list[Answer]:
    questions = {q.name: q for q in Question.objects.filter(questionnaire=questionnaire)}
    rows = []
    for name, value in answers.items():
        question = questions[name]

        def choice(choice_value, is_row=False, question=question):
            return Choice.objects.get(question=question, value=choice_value, is_row=is_row)

        base = {"response": response, "question": question}
        if isinstance(value, dict):
            rows += [
                Answer(**base, row=choice(r, True), choice=choice(p)) for r, p in value.items()
            ]
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, tuple):
                    rows.append(Answer(**base, is_other=True, text=item[1]))
                else:
                    rows.append(Answer(**base, choice=choice(item)))
        elif isinstance(value, Decimal):
            rows.append(Answer(**base, number=value))
        elif question.kind == "single":
            rows.append(Answer(**base, choice=choice(value)))
        else:
            rows.append(Answer(**base, text=value))
    return rows
