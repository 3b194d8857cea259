"""The fieldwork pages: forming a team by names and codes, recording a visit with needs (one
more block on request), the needs' list filtered, a need's status and its order."""

import pytest
from django.urls import reverse

from jiliang.needs.models import Need, ServiceTeam, Visit
from jiliang.needs.tests.fieldwork_world import build_fieldwork, draft_order

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def work(world):
    return build_fieldwork(world)


def test_a_bureau_forms_a_team_by_names_and_codes(world):
    client = world.client_for("regulator_above", language="en")
    url = reverse("fieldwork:team_create")
    data = {
        "bureau": world.organisations["regulator_above"].pk,
        "name": "二队",
        "formed_on": "2020-05-01",
        "leader": "institution",
        "enterprises": f"{world.enterprise.uscc}\n{world.organisations['other_enterprise'].uscc}",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert world.organisations["other_enterprise"].uscc in refused.content.decode()
    assert not ServiceTeam.objects.exists()
    response = client.post(url, {**data, "enterprises": world.enterprise.uscc})
    team = ServiceTeam.objects.get()
    assert response.url == reverse("fieldwork:team_detail", args=[team.pk])
    page = client.get(response.url).content.decode()
    assert "Not visited yet" in page


def visit_data(world, **changes):
    return {
        "visited_on": "2020-06-01",
        "enterprise": world.enterprise.pk,
        "members_present": [world.users["institution"].pk],
        "service_person_times": 0,
        "materials_handed_out": 0,
        "needs-TOTAL_FORMS": 1,
        "needs-INITIAL_FORMS": 0,
        "needs-0-topic": "",
        "needs-0-description": "",
        "needs-0-urgency": "normal",
        **changes,
    }


def test_a_visit_form_refuses_an_enterprise_the_team_does_not_serve(world, work):
    client = world.client_for("institution", language="en")
    url = reverse("fieldwork:visit_create", args=[work.team.pk])
    other = world.organisations["other_enterprise"].pk
    response = client.post(url, visit_data(world, enterprise=other))
    assert response.status_code == 400
    assert "enterprise" in response.context["form"].errors
    assert Visit.objects.count() == 1


def test_adding_a_need_block_keeps_what_was_typed_and_saves_nothing(world, work):
    client = world.client_for("institution", language="en")
    url = reverse("fieldwork:visit_create", args=[work.team.pk])
    data = visit_data(world, findings="记录中", add_need="1")
    response = client.post(url, data)
    assert response.status_code == 200
    assert len(response.context["needs"].forms) == 2
    assert response.context["form"].initial["findings"] == "记录中"
    assert Visit.objects.count() == 1
    half = visit_data(world, **{"needs-0-topic": "mms"})  # a topic without a description
    assert client.post(url, half).status_code == 400
    saved = client.post(
        url, visit_data(world, **{"needs-0-topic": "mms", "needs-0-description": "体系"})
    )
    assert saved.status_code == 302
    assert Need.objects.filter(topic="mms", visit__isnull=False).count() == 1


def test_needs_are_filtered_and_moved_on(world, work):
    client = world.client_for("regulator_above", language="en")
    listing = client.get(reverse("fieldwork:need_list"), {"urgency": "low"})
    assert list(listing.context["object_list"]) == []
    listing = client.get(reverse("fieldwork:need_list"), {"urgency": "high", "open": "on"})
    assert list(listing.context["object_list"]) == [work.need]
    url = reverse("fieldwork:need_status", args=[work.need.pk])
    assert client.post(url, {"status": "met"}).status_code == 400
    client.post(url, {"status": "met", "resolution": "已送检"})
    work.need.refresh_from_db()
    assert work.need.status == "met"


def test_the_enterprise_links_its_need_to_an_order(world, work):
    order = draft_order(world)
    client = world.client_for("same_enterprise", language="en")
    detail = client.get(reverse("fieldwork:need_detail", args=[work.need.pk]))
    assert list(detail.context["order_form"].fields["order"].queryset) == [order]
    assert detail.context["start_order_url"].startswith(reverse("orders:order_create"))
    client.post(reverse("fieldwork:need_order", args=[work.need.pk]), {"order": order.pk})
    work.need.refresh_from_db()
    assert work.need.order == order


def test_the_enterprise_page_shows_its_visits_and_needs(world, work):
    client = world.client_for("regulator_above", language="en")
    page = client.get(reverse("orgs:organisation_detail", args=[world.enterprise.pk]))
    html = page.content.decode()
    assert "Service team visits" in html
    assert reverse("fieldwork:visit_detail", args=[work.visit.pk]) in html
    assert reverse("fieldwork:need_detail", args=[work.need.pk]) in html
