"""The fieldwork demo: five teams of the Henan bureaus, their visits in 2020 and this year,
needs open and met; loading twice adds nothing; the demo campaign's counters see them."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from jiliang.campaigns import services as campaign_services
from jiliang.campaigns.models import Figure
from jiliang.needs.demos import fieldwork as demo
from jiliang.needs.models import Need, ServiceTeam, Visit
from jiliang.orgs import demo as orgs_demo


@pytest.fixture
def loaded(db):
    admin = get_user_model().objects.create_superuser("demo-admin", "a@example.com", "x")
    orgs_demo.load(admin)
    demo.load(admin)
    return admin


def test_five_teams_visit_the_demo_enterprises(loaded):
    assert ServiceTeam.objects.count() == 5
    assert set(ServiceTeam.objects.values_list("bureau__region__code", flat=True)) == {
        "410000",
        "410100",
        "410200",
    }
    members = set(ServiceTeam.objects.values_list("members__user__username", flat=True))
    assert {"demo-institution", "demo-expert"} <= members
    visits = Visit.objects.all()
    assert 20 <= visits.count() <= 40
    years = set(visits.values_list("visited_on__year", flat=True))
    assert years == {2020, timezone.localdate().year}
    assert all(visit.visited_on <= timezone.localdate() for visit in visits)
    statuses = set(Need.objects.values_list("status", flat=True))
    assert {"open", "met"} <= statuses
    assert Visit.objects.filter(enterprise__name="郑州恒信精密机械有限公司").exists()


def test_loading_again_adds_nothing(loaded):
    before = (ServiceTeam.objects.count(), Visit.objects.count(), Need.objects.count())
    demo.load(loaded)
    assert (ServiceTeam.objects.count(), Visit.objects.count(), Need.objects.count()) == before


def test_the_demo_campaign_counts_the_teams_and_visits(loaded):
    province = get_user_model().objects.get(username="demo-province")
    bureau = ServiceTeam.objects.filter(bureau__region__code="410000").first().bureau
    campaign = campaign_services.campaign_create(
        actor=province, organiser=bureau, name="2020年活动", year=2020, period_type="monthly"
    )
    totals = dict(
        Figure.objects.filter(campaign=campaign, region=bureau.region, period="total")
        .exclude(indicator__counter="")
        .values_list("indicator__code", "counted_subtree")
    )
    visits = Visit.objects.filter(visited_on__year=2020)
    assert totals["service_teams"] == ServiceTeam.objects.filter(formed_on__year=2020).count()
    assert totals["enterprises_visited"] == visits.values("enterprise").distinct().count()
    assert totals["promo_materials"] == sum(v.materials_handed_out for v in visits)
    assert totals["technical_services"] == sum(v.service_person_times for v in visits)
    assert totals["promo_materials"] > 0
