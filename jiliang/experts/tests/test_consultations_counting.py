"""Consultations in the campaign counters: one person-time of service (人次) per consultation
answered, summed with the visits' person-times in ``technical_services`` without the ids of the
two kinds colliding, and the asking enterprise helped on the day of the first answer."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from jiliang.accounts.services import user_create
from jiliang.campaigns import counting, rollup, services
from jiliang.campaigns.models import WHOLE_CAMPAIGN
from jiliang.campaigns.tests.conftest import build_bureaus, counted, enterprise_in
from jiliang.experts.choices import ConsultationState
from jiliang.experts.models import Consultation
from jiliang.needs.services import fieldwork
from jiliang.orgs.services import membership_add

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def bureaus(db):
    return build_bureaus()


@pytest.fixture
def records(bureaus):
    """A visit to A (金水区) on 3 March 2020 giving 2 person-times; consultations answered:
    one of A in March whose id is the visit's, one of B (金水区) in May, one of the 郑州市
    bureau (not an enterprise) in March; left out: one unanswered, one without a region and
    one answered in 2019."""
    admin = bureaus.admin
    member = user_create(actor=admin, username="surveyor", email="s@example.com")
    membership_add(
        actor=admin, organisation=bureaus.organisations["institution"], user=member, role="staff"
    )
    a = enterprise_in(bureaus, "jinshui", name="甲企业")
    b = enterprise_in(bureaus, "jinshui", name="乙企业")
    team = fieldwork.team_create(
        actor=bureaus.users["jinshui"],
        bureau=bureaus.organisations["jinshui"],
        name="金水服务队",
        formed_on=date(2020, 3, 2),
        leader=member,
        enterprises=[a, b],
    )
    visit = fieldwork.visit_create(
        actor=member,
        team=team,
        enterprise=a,
        members_present=[member],
        visited_on=date(2020, 3, 3),
        service_person_times=2,
    )
    Consultation.objects.filter(pk=visit.pk).delete()

    def consultation(organisation, answered, pk=None, region="org"):
        return Consultation.objects.create(
            pk=pk,
            asker=member,
            organisation=organisation,
            region=organisation.region if region == "org" else region,
            field="mechanics",
            title="问题",
            state=ConsultationState.ANSWERED if answered else ConsultationState.OPEN,
            answered_at=timezone.make_aware(datetime(*answered, 10)) if answered else None,
        )

    consultation(a, (2020, 3, 5), pk=visit.pk)
    consultation(b, (2020, 5, 6))
    consultation(bureaus.organisations["zhengzhou"], (2020, 3, 9))
    consultation(a, None)
    consultation(a, (2020, 3, 10), region=None)
    consultation(a, (2019, 12, 31))
    return {"visit": visit, "a": a, "b": b}


@pytest.fixture
def campaign(bureaus, records):
    return services.campaign_create(
        actor=bureaus.users["province"],
        organiser=bureaus.organisations["province"],
        name="2020年计量服务中小企业行",
        year=2020,
        period_type="monthly",
    )


def test_answered_consultations_add_person_times_beside_visits(bureaus, campaign):
    jinshui, zhengzhou = bureaus.regions["jinshui"], bureaus.regions["zhengzhou"]
    counts = counting.get_counter("technical_services").count(campaign)
    # Visit 5 and consultation 5 in one cell are two subjects: 2 + 1.
    assert counts[jinshui.pk, "2020-03"] == 3
    assert counts[jinshui.pk, "2020-05"] == 1
    assert counts[jinshui.pk, WHOLE_CAMPAIGN] == 4
    assert counts[zhengzhou.pk, "2020-03"] == 1  # the bureau's own question
    assert counted(campaign, jinshui, "technical_services") == 4
    assert counted(campaign, zhengzhou, "technical_services", column="counted_subtree") == 5
    assert rollup.stored(campaign) == rollup.compute(campaign)


def test_the_asking_enterprise_is_helped_on_the_day_of_the_first_answer(bureaus, campaign):
    jinshui, zhengzhou = bureaus.regions["jinshui"], bureaus.regions["zhengzhou"]
    # A helped in March by the visit and the consultation: once; B in May.
    assert counted(campaign, jinshui, "smes_helped", "2020-03") == 1
    assert counted(campaign, jinshui, "smes_helped", "2020-05") == 1
    assert counted(campaign, jinshui, "smes_helped") == 2
    assert counted(campaign, zhengzhou, "smes_helped") == 0  # a bureau is no enterprise


def test_a_late_answer_updates_the_roll_up(bureaus, records, campaign):
    jinshui = bureaus.regions["jinshui"]
    before = timezone.now()
    Consultation.objects.create(
        asker=records["visit"].recorded_by,
        organisation=records["b"],
        region=jinshui,
        field="thermal",
        title="迟到的问题",
        state=ConsultationState.ANSWERED,
        answered_at=timezone.make_aware(datetime(2020, 3, 20, 9)),
    )
    assert services.recount(since=before) > 0
    assert counted(campaign, jinshui, "technical_services", "2020-03") == 4
    assert counted(campaign, jinshui, "smes_helped", "2020-03") == 2
