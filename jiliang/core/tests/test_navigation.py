"""The navigation registry: core's own sections, the apps' sections, who sees which."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from jiliang.core import navigation
from jiliang.core.navigation import ALL_ROLES, Registry, Section, active_section_key
from jiliang.core.roles import DashboardRole

ENTERPRISE_ONLY = frozenset({DashboardRole.ENTERPRISE})


def keys(sections):
    return [section.key for section in sections]


# The registry ------------------------------------------------------------------------------------


def test_sections_are_listed_by_their_order_whatever_the_order_of_registration():
    registry = Registry()
    registry.register(Section("c", "C", "c", ALL_ROLES, "core:dashboard", order=30))
    registry.register(Section("a", "A", "a", ALL_ROLES, "core:dashboard", order=10))
    registry.register(Section("b2", "B2", "b", ALL_ROLES, order=20))
    registry.register(Section("b1", "B1", "b", ALL_ROLES, order=20))  # same order: by key
    assert keys(registry.sections()) == ["a", "b1", "b2", "c"]


def test_an_app_replaces_the_coming_section_of_the_same_key():
    registry = Registry([Section("sharing", "Sharing", "building", ALL_ROLES, order=30)])
    assert registry.sections()[0].coming
    landed = Section(
        "sharing", "Open labs", "building", ENTERPRISE_ONLY, "core:dashboard", order=35
    )
    registry.register(landed)
    assert registry.sections() == [landed]
    assert not landed.coming


def test_two_apps_cannot_claim_one_section_but_registering_again_is_harmless():
    registry = Registry()
    section = Section("orders", "Orders", "x", ALL_ROLES, "core:dashboard")
    registry.register(section)
    registry.register(
        Section("orders", "Orders", "x", ALL_ROLES, "core:dashboard")
    )  # ready() again
    assert registry.sections() == [section]
    with pytest.raises(ImproperlyConfigured):
        registry.register(Section("orders", "Other", "y", ALL_ROLES, "orgs:region_list"))


def test_a_role_sees_only_its_sections():
    registry = Registry()
    registry.register(Section("everyone", "E", "e", ALL_ROLES, "core:dashboard", order=1))
    registry.register(Section("firms", "F", "f", ENTERPRISE_ONLY, "core:dashboard", order=2))
    assert keys(registry.sections_for(DashboardRole.ENTERPRISE)) == ["everyone", "firms"]
    assert keys(registry.sections_for(DashboardRole.REGULATOR)) == ["everyone"]


def test_the_active_section_is_the_longest_matching_url():
    registry = Registry()
    registry.register(Section("dashboard", "D", "d", ALL_ROLES, "core:dashboard", order=0))
    registry.register(Section("orders", "O", "o", ALL_ROLES, "orders:order_list", order=1))
    registry.register(Section("queue", "Q", "q", ALL_ROLES, "orders:queue", order=2))
    registry.register(Section("coming", "C", "c", ALL_ROLES, order=3))
    sections = registry.sections()
    assert active_section_key(sections, "/") == "dashboard"
    assert active_section_key(sections, reverse("orders:queue")) == "queue"
    assert active_section_key(sections, reverse("orders:order_detail", args=[1])) == "orders"
    assert active_section_key(sections, "/nowhere/") is None


# What the apps registered ------------------------------------------------------------------------


def test_core_lists_the_dashboard_first_and_the_sections_still_to_come():
    sections = {section.key: section for section in navigation.sections()}
    assert navigation.sections()[0].key == "dashboard"
    for key in ("sharing", "learning"):
        assert sections[key].coming, key
    for key in ("instruments", "orders", "needs", "campaigns", "organisations", "regions"):
        assert not sections[key].coming, key


def test_the_landed_apps_keep_the_familiar_order():
    assert keys(navigation.sections_for(DashboardRole.ENTERPRISE)) == [
        "dashboard",
        "instruments",
        "orders",
        "sharing",
        "needs",
        "surveys",
        "problems",
        "consultations",
        "experts",
        "knowledge",
        "learning",
        "organisations",
    ]
    assert keys(navigation.sections_for(DashboardRole.ADMINISTRATOR)) == [
        "dashboard",
        "questionnaires",
        "survey_results",
        "knowledge",
        "learning",
        "campaigns",
        "enterprises",
        "organisations",
        "regions",
    ]


def test_the_institution_has_its_queue_first_then_its_orders():
    sections = navigation.sections_for(DashboardRole.INSTITUTION)
    url_names = [section.url_name for section in sections if section.url_name]
    assert url_names[:3] == ["core:dashboard", "orders:queue", "orders:order_list"]
    assert "instruments" not in keys(sections)


def test_the_regulator_gets_the_order_statistics_not_the_empty_list():
    sections = navigation.sections_for(DashboardRole.REGULATOR)
    url_names = [section.url_name for section in sections]
    assert "orders_statistics:index" in url_names
    assert "orders:order_list" not in url_names
    assert "orders:queue" not in url_names
    statistics = next(s for s in sections if s.url_name == "orders_statistics:index")
    assert active_section_key(sections, statistics.url) == statistics.key


# Rendered -----------------------------------------------------------------------------------------


def english_client(world, actor):
    client = world.client_for(actor)
    client.cookies["django_language"] = "en"  # the words as their msgids
    return client


def sidebar(response) -> str:
    html = response.content.decode()
    start = html.index('id="jl-sections"')
    return html[start : html.index("</nav>", start)]


def test_the_layout_shows_each_role_its_sections(world):
    institution = sidebar(english_client(world, "institution").get(reverse("core:dashboard")))
    assert f'href="{reverse("orders:queue")}"' in institution
    assert "Order queue" in institution
    assert f'href="{reverse("instruments:instrument_list")}"' not in institution

    regulator = sidebar(world.client_for("regulator_above").get(reverse("core:dashboard")))
    assert f'href="{reverse("orders_statistics:index")}"' in regulator
    assert f'href="{reverse("orders:order_list")}"' not in regulator

    enterprise = sidebar(english_client(world, "same_enterprise").get(reverse("core:dashboard")))
    assert f'href="{reverse("orders:order_list")}"' in enterprise
    assert f'href="{reverse("orders_statistics:index")}"' not in enterprise
    assert "coming" in enterprise  # the sections still to come are listed, not linked


def test_the_current_section_is_marked(world):
    response = world.client_for("institution").get(reverse("orders:queue"))
    assert response.context["active_section"] == "orders_queue"
    assert f'href="{reverse("orders:queue")}" aria-current="page"' in sidebar(response)


def test_the_menu_button_controls_the_off_canvas_sections(world):
    html = english_client(world, "same_enterprise").get(reverse("core:dashboard")).content.decode()
    assert 'data-bs-toggle="offcanvas"' in html
    assert 'aria-controls="jl-sections"' in html
    assert 'aria-label="Menu"' in html


def test_no_menu_without_sections(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "jl-sections" not in html
