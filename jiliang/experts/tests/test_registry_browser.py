"""A bureau forms an expert group from a phone (375 px): the registry and the groups fit the
screen, the form takes the members by name, and the group's page lists them."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from jiliang.core.testing.matrix import build_world
from jiliang.core.testing.phone import FITS, Screen, check_screen, sign_in
from jiliang.experts.models import ExpertGroup
from jiliang.experts.tests.registry_world import build_registry
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_bureau_forms_a_group_on_a_phone(phone, live_server, results_dir):
    load_reference_regions(Region)  # a transactional test starts from an empty database
    world = build_world()
    registry = build_registry(world)
    sign_in(phone, live_server.url, world, "regulator_above")
    base = live_server.url
    check_screen(
        phone, base, Screen("experts", reverse("experts:expert_list"), ("link", "Expert groups"))
    )
    expert_page = reverse("experts:expert_detail", args=[registry.expert.pk])
    check_screen(phone, base, Screen("expert", expert_page, ("link", "Edit")), results_dir)
    check_screen(
        phone, base, Screen("groups", reverse("experts:group_list"), ("link", "Form a group"))
    )
    phone.locator("main").get_by_role("link", name="Form a group").click()
    expect(phone.get_by_role("heading", name="Form a group")).to_be_visible()
    assert phone.evaluate(FITS)
    phone.get_by_label("Name").fill("郑州市技术帮扶小组")
    phone.get_by_label("Kind").select_option("assistance")
    phone.get_by_role("checkbox", name="Thermal").check()
    phone.get_by_role("checkbox", name="Mechanics").check()
    phone.get_by_label("Members").fill("institution")
    phone.get_by_label("Leader").fill("institution")
    phone.get_by_label("Description").fill("面向金水区中小企业开展温度、压力计量帮扶。")
    phone.screenshot(path=str(results_dir / "experts-group-form.png"), full_page=True)
    phone.get_by_role("button", name="Save").click()
    expect(phone.locator("#group-members")).to_contain_text("institution")
    expect(phone.locator("#group-members")).to_contain_text("Leader")
    expect(phone.locator("#group-facts")).to_contain_text("Technical assistance team")
    assert phone.evaluate(FITS)
    group = ExpertGroup.objects.get(name="郑州市技术帮扶小组")
    assert (group.kind, group.fields, group.leader) == (
        "assistance",
        ["thermal", "mechanics"],
        registry.expert,
    )
    check_screen(phone, base, Screen("group", reverse("experts:group_detail", args=[group.pk])))
