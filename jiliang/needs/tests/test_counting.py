"""The campaign counters of the needs app: questionnaires collected (份, submitted responses
where they were answered from); and of service teams and visits: teams formed (个),
enterprises visited (家, distinct), materials handed out (份) and person-times of service (人次)
as sums, and the SMEs helped on the spot; per region and period, and a late record updating
the roll-up."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from jiliang.accounts.services import user_create
from jiliang.campaigns import counting, rollup, services
from jiliang.campaigns.models import WHOLE_CAMPAIGN
from jiliang.campaigns.tests.conftest import build_bureaus, counted, enterprise_in
from jiliang.needs.choices import ResponseStatus
from jiliang.needs.models import Response
from jiliang.needs.services import fieldwork
from jiliang.needs.tests.factories import survey
from jiliang.orgs.services import membership_add

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def bureaus(db):
    return build_bureaus()


@pytest.fixture
def campaign(bureaus):
    """The province's monthly 2020 campaign (all active indicators)."""
    return services.campaign_create(
        actor=bureaus.users["province"],
        organiser=bureaus.organisations["province"],
        name="2020年计量服务中小企业行",
        year=2020,
        period_type="monthly",
    )


@pytest.fixture
def teams(bureaus):
    """The 金水区 bureau's team (formed 2020-03-02) visits A (金水区) on 3 March (10
    materials, 2 person-times) and 20 March (5 materials, no service) and B (金水区) in May (7
    materials, 3 person-times); the 开封市 bureau's team (formed 2020-04-01) visits C (开封市)
    in April (no materials, 4 person-times); one visit of 2019 and one of 2021 are outside."""
    member = user_create(actor=bureaus.admin, username="surveyor", email="s@example.com")
    membership_add(
        actor=bureaus.admin,
        organisation=bureaus.organisations["institution"],
        user=member,
        role="staff",
    )
    a = enterprise_in(bureaus, "jinshui", name="甲企业")
    b = enterprise_in(bureaus, "jinshui", name="乙企业")
    c = enterprise_in(bureaus, "kaifeng", name="丙企业")

    def team(bureau, formed_on, enterprises):
        return fieldwork.team_create(
            actor=bureaus.users[bureau],
            bureau=bureaus.organisations[bureau],
            name=f"{bureau}服务队",
            formed_on=formed_on,
            leader=member,
            enterprises=enterprises,
        )

    jinshui = team("jinshui", date(2020, 3, 2), [a, b])
    kaifeng = team("kaifeng", date(2020, 4, 1), [c])
    early = team("jinshui", date(2019, 6, 1), [a])

    def visit(team, enterprise, day, materials, person_times):
        return fieldwork.visit_create(
            actor=member,
            team=team,
            enterprise=enterprise,
            members_present=[member],
            visited_on=day,
            materials_handed_out=materials,
            service_person_times=person_times,
        )

    visit(jinshui, a, date(2020, 3, 3), 10, 2)
    visit(jinshui, a, date(2020, 3, 20), 5, 0)
    visit(jinshui, b, date(2020, 5, 6), 7, 3)
    visit(kaifeng, c, date(2020, 4, 9), 0, 4)
    visit(early, a, date(2019, 12, 31), 100, 100)
    return {"member": member, "jinshui": jinshui, "a": a, "b": b, "c": c, "visit": visit}


def test_teams_visits_materials_and_services_are_counted_per_region_and_period(
    bureaus, teams, campaign
):
    jinshui, kaifeng = bureaus.regions["jinshui"], bureaus.regions["kaifeng"]
    zhengzhou = bureaus.regions["zhengzhou"]
    assert counted(campaign, jinshui, "service_teams", "2020-03") == 1
    assert counted(campaign, jinshui, "service_teams") == 1  # the 2019 team is not the year's
    assert counted(campaign, kaifeng, "service_teams", "2020-04") == 1
    # A twice in March counts once; A in March and B in May: two over the campaign.
    assert counted(campaign, jinshui, "enterprises_visited", "2020-03") == 1
    assert counted(campaign, jinshui, "enterprises_visited", "2020-05") == 1
    assert counted(campaign, jinshui, "enterprises_visited") == 2
    # Sums, not distinct counts.
    assert counted(campaign, jinshui, "promo_materials", "2020-03") == 15
    assert counted(campaign, jinshui, "promo_materials") == 22
    assert counted(campaign, kaifeng, "promo_materials") == 0
    assert counted(campaign, jinshui, "technical_services", "2020-03") == 2
    assert counted(campaign, jinshui, "technical_services") == 5
    assert counted(campaign, kaifeng, "technical_services", "2020-04") == 4
    assert counted(campaign, zhengzhou, "technical_services", column="counted_subtree") == 5
    province = bureaus.regions["province"]
    assert counted(campaign, province, "promo_materials", column="counted_subtree") == 22
    # Helped on the spot: visits with a service (A in March, B in May, C in April).
    assert counted(campaign, jinshui, "smes_helped", "2020-03") == 1
    assert counted(campaign, jinshui, "smes_helped") == 2
    assert counted(campaign, kaifeng, "smes_helped") == 1
    assert rollup.stored(campaign) == rollup.compute(campaign)


def test_a_late_visit_and_a_correction_update_the_roll_up(bureaus, teams, campaign):
    jinshui = bureaus.regions["jinshui"]
    zhengzhou = bureaus.regions["zhengzhou"]
    before = timezone.now()
    late = teams["visit"](teams["jinshui"], teams["b"], date(2020, 3, 25), 8, 1)
    assert services.recount(since=before) > 0
    assert counted(campaign, jinshui, "enterprises_visited", "2020-03") == 2
    assert counted(campaign, jinshui, "promo_materials", "2020-03") == 23
    assert counted(campaign, zhengzhou, "promo_materials", "2020-03", "counted_subtree") == 23
    assert counted(campaign, jinshui, "smes_helped", "2020-03") == 2
    corrected = timezone.now()
    fieldwork.visit_update(actor=teams["member"], visit=late, data={"materials_handed_out": 2})
    assert counting.touched(campaign, since=corrected) >= {(jinshui.pk, "2020-03")}
    services.recount(since=corrected)
    assert counted(campaign, jinshui, "promo_materials", "2020-03") == 17
    assert rollup.stored(campaign) == rollup.compute(campaign)


def test_distinct_counters_are_unchanged_by_amounts(bureaus, teams, campaign):
    counts = counting.get_counter("enterprises_visited").count(campaign)
    assert counts[bureaus.regions["jinshui"].pk, WHOLE_CAMPAIGN] == 2
    sums = counting.get_counter("promo_materials").count(campaign)
    assert sums[bureaus.regions["jinshui"].pk, "2020-05"] == 7


def test_the_sources_of_one_counter_give_amounts_all_or_none(bureaus, campaign):
    from jiliang.needs.hooks.fieldwork import enterprises_visited

    counting.source("promo_materials")(enterprises_visited)
    try:
        with pytest.raises(TypeError, match="all give amounts or none"):
            counting.get_counter("promo_materials").count(campaign)
    finally:
        counting.COUNTERS["promo_materials"].sources.remove(enterprises_visited)


def test_submitted_responses_are_counted_where_and_when_they_were_answered(bureaus, campaign):
    questionnaire = survey(bureaus.organisations["province"], region=bureaus.regions["province"])

    def answer(name, at, status=ResponseStatus.SUBMITTED):
        region = bureaus.regions[name]
        Response.objects.create(
            questionnaire=questionnaire,
            enterprise=enterprise_in(bureaus, region),
            region=region,
            region_path=region.path,
            status=status,
            submitted_at=timezone.make_aware(at) if status == ResponseStatus.SUBMITTED else None,
        )

    before = timezone.now()
    answer("jinshui", datetime(2020, 3, 1, 0, 5))  # just after midnight, Beijing time
    answer("jinshui", datetime(2020, 3, 31, 23, 55))
    answer("kaifeng", datetime(2020, 4, 2, 9))
    answer("jinshui", datetime(2020, 5, 1, 10), ResponseStatus.DRAFT)
    answer("jinshui", datetime(2019, 12, 31, 23, 59))
    assert services.recount(since=before) > 0
    jinshui, kaifeng = bureaus.regions["jinshui"], bureaus.regions["kaifeng"]
    assert counted(campaign, jinshui, "questionnaires", "2020-03") == 2
    assert counted(campaign, jinshui, "questionnaires", "2020-05") == 0
    assert counted(campaign, jinshui, "questionnaires") == 2
    assert counted(campaign, kaifeng, "questionnaires", "2020-04") == 1
    province = bureaus.regions["province"]
    assert counted(campaign, province, "questionnaires", column="counted_subtree") == 3
    assert rollup.stored(campaign) == rollup.compute(campaign)
