"""A team member records a visit from a phone (375 px): the enterprise, who was present, what
was found, two needs (the second block added on the page), services and materials."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from jiliang.core.testing.matrix import build_world
from jiliang.core.testing.phone import FITS, Screen, check_screen, sign_in
from jiliang.needs.models import Visit
from jiliang.needs.tests.fieldwork_world import build_fieldwork
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_records_a_visit_on_a_phone(phone, live_server, results_dir):
    load_reference_regions(Region)  # a transactional test starts from an empty database
    world = build_world()
    work = build_fieldwork(world)
    sign_in(phone, live_server.url, world, "institution")
    team_page = reverse("fieldwork:team_detail", args=[work.team.pk])
    check_screen(phone, live_server.url, Screen("team", team_page, ("link", "Record a visit")))
    phone.get_by_role("link", name="Record a visit").first.click()
    expect(phone.get_by_role("heading", name="Record a visit")).to_be_visible()
    assert phone.evaluate(FITS)
    phone.get_by_label("Visited on").fill("2020-06-02")
    phone.get_by_label("Enterprise").select_option(label=world.enterprise.name)
    phone.get_by_role("checkbox", name="institution").check()
    phone.get_by_label("What was found").fill("压力表超期未检，台账不全")
    phone.get_by_label("Services given on the spot").fill("现场讲解强检备案")
    phone.get_by_label("Services (person-times)").fill("2")
    phone.get_by_label("Materials handed out").fill("25")
    first = phone.locator(".need-block").nth(0)
    first.get_by_label("Topic").select_option("calibration")
    first.get_by_label("Description").fill("集中送检压力表")
    first.get_by_label("Urgency").select_option("high")
    phone.get_by_role("button", name="Add a need").click()
    expect(phone.locator(".need-block")).to_have_count(2)
    # What was typed stays.
    expect(phone.get_by_label("What was found")).to_have_value("压力表超期未检，台账不全")
    second = phone.locator(".need-block").nth(1)
    second.get_by_label("Topic").select_option("training")
    second.get_by_label("Description").fill("计量员培训")
    assert phone.evaluate(FITS)
    phone.screenshot(path=str(results_dir / "fieldwork-visit-form.png"), full_page=True)
    phone.get_by_role("button", name="Save the visit").click()
    expect(phone.locator("#visit-facts")).to_contain_text("压力表超期未检")
    visit = Visit.objects.exclude(pk=work.visit.pk).get()
    assert (visit.service_person_times, visit.materials_handed_out) == (2, 25)
    assert sorted(visit.needs.values_list("topic", "urgency")) == [
        ("calibration", "high"),
        ("training", "normal"),
    ]
    expect(phone.locator(".need-table tbody tr")).to_have_count(2)
    assert phone.evaluate(FITS)
    for name in ("need_list", "visit_list", "team_list"):
        check_screen(phone, live_server.url, Screen(name, reverse(f"fieldwork:{name}")))
