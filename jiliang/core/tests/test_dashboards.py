"""The dashboards' registries (``core.dashboards``, ``core.demos``), the to-dos the apps register
for each role, the pages that show them, and that ``core`` imports no app above it."""

from __future__ import annotations

import ast
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.urls import get_resolver, reverse
from django.utils import timezone

from jiliang.campaigns import services as campaign_services
from jiliang.campaigns.tests.conftest import build_bureaus
from jiliang.core.dashboards import (
    DashboardRole,
    Registry,
    Severity,
    ToDo,
    registry,
)
from jiliang.core.demos import DemoRegistry
from jiliang.core.demos import registry as demo_registry
from jiliang.core.scoping import scope_for
from jiliang.instruments.tests.conftest import add_instrument, add_record
from jiliang.orders import selectors as order_selectors
from jiliang.orders import services as order_services
from jiliang.orders.models import Order
from jiliang.orgs import services as org_services
from jiliang.orgs.demo import demo_uscc

pytestmark = pytest.mark.usefixtures("english")

ENTERPRISE, INSTITUTION = DashboardRole.ENTERPRISE, DashboardRole.INSTITUTION
REGULATOR = DashboardRole.REGULATOR
MONDAY = date(2026, 9, 28)  # 2026-10-01..07 are holidays
# The most queries one role's to-dos take, whatever the number of rows behind them.
# The ledger's counts, the orders' counts; the enterprises, their survey responses and the
# open questionnaires sent to them; the solutions to confirm; the consultations.
MAX_ENTERPRISE_QUERIES = 2 + 3 + 1 + 1
# The queue's counts; the service teams' enterprises not visited yet; the problems assigned;
# the consultations.
MAX_INSTITUTION_QUERIES = 1 + 1 + 1 + 1
# Reports awaiting; campaigns, bureaus, their children, which report, the reports received;
# the open urgent needs; the enterprise registrations to confirm; the problems by state; the
# consultations; the accepted answers to collect.
MAX_REGULATOR_QUERIES = 1 + 5 + 1 + 1 + 1 + 1 + 1


def counts(todos) -> dict[str, int]:
    return {str(todo.label): todo.count for todo in todos}


def todos_of(user, role, today):
    return registry.todos(user, role, today)


def warm(user):
    """Read the user's scope, as every request has by the time the dashboard asks for its
    to-dos: the query counts below are the to-dos' own."""
    scope_for(user)
    return user


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the words as their msgids
    return client


def client_for(world, actor):
    return in_english(world.client_for(actor))


# The registry ----------------------------------------------------------------------------------


def fixed(*todos):
    return lambda user, today: list(todos)


def test_todos_come_by_order_then_key_and_those_counting_nothing_are_left_out():
    own = Registry()
    own.register_todos(
        "b.second", fixed(ToDo("B", 2, "/b", Severity.DANGER)), roles=ENTERPRISE, order=20
    )
    own.register_todos(
        "a.first",
        fixed(ToDo("A1", 1, "/a1"), ToDo("A0", 0, "/a0"), ToDo("A2", 3, "/a2", "warning")),
        roles=[ENTERPRISE, INSTITUTION],
        order=10,
    )
    own.register_todos("c.other", fixed(ToDo("C", 5, "/c")), roles=REGULATOR)
    own.register_todos("a.tie", fixed(ToDo("T", 1, "/t")), roles=ENTERPRISE, order=20)
    assert [todo.label for todo in own.todos(None, ENTERPRISE, MONDAY)] == ["A1", "A2", "T", "B"]
    assert [todo.label for todo in own.todos(None, "institution", MONDAY)] == ["A1", "A2"]
    assert own.todos(None, DashboardRole.EXPERT, MONDAY) == []
    assert [p.key for p in own.todo_providers(ENTERPRISE)] == ["a.first", "a.tie", "b.second"]


def test_a_key_is_registered_once_and_unregister_frees_it():
    own = Registry()
    first = fixed(ToDo("first", 1, "/"))
    own.register_todos("x.one", first, roles=ENTERPRISE)
    own.register_todos("x.one", first, roles=ENTERPRISE)  # ready() again: nothing changes
    with pytest.raises(ImproperlyConfigured, match=r"x\.one"):
        own.register_todos("x.one", fixed(ToDo("other", 1, "/")), roles=ENTERPRISE)
    assert [todo.label for todo in own.todos(None, ENTERPRISE, MONDAY)] == ["first"]
    own.unregister("x.one")
    assert own.todos(None, ENTERPRISE, MONDAY) == []
    own.register_todos("x.one", fixed(ToDo("other", 1, "/")), roles=ENTERPRISE)
    assert [todo.label for todo in own.todos(None, ENTERPRISE, MONDAY)] == ["other"]
    demos = DemoRegistry()
    demos.register("things", "jiliang.things.demo.load", order=60)
    demos.register("things", "jiliang.things.demo.load", order=60)
    with pytest.raises(ImproperlyConfigured, match="things"):
        demos.register("things", "jiliang.other.demo.load", order=60)


def test_bad_registrations_and_to_dos_are_refused():
    own = Registry()
    with pytest.raises(ValueError, match="nobody"):
        own.register_todos("x", fixed(), roles="nobody")
    with pytest.raises(ValueError, match="at least one"):
        own.register_panel("x", roles=[], template_name="x.html", context=lambda u, t: {})
    with pytest.raises(ValueError, match="severity"):
        ToDo("x", 1, "/", severity="success")


def test_a_to_do_says_its_severity_in_words_and_icon():
    todo = ToDo("x", 1, "/", Severity.DANGER)
    assert (str(todo.severity_label), todo.icon) == ("Urgent", "exclamation-octagon")


def test_panels_by_order_with_their_context_and_none_leaves_a_panel_out():
    own = Registry()
    own.register_panel(
        "p.late",
        roles=ENTERPRISE,
        template_name="late.html",
        context=lambda u, t: {"n": 2},
        order=50,
    )
    own.register_panel(
        "p.early",
        roles=[ENTERPRISE, REGULATOR],
        template_name="early.html",
        context=lambda u, t: {},
        order=5,
    )
    own.register_panel(
        "p.none", roles=ENTERPRISE, template_name="none.html", context=lambda u, t: None
    )
    shown = own.panels(None, ENTERPRISE, MONDAY)
    assert [(p.key, p.template_name, p.context) for p in shown] == [
        ("p.early", "early.html", {}),
        ("p.late", "late.html", {"n": 2}),
    ]
    assert [p.key for p in own.panels(None, REGULATOR, MONDAY)] == ["p.early"]


def test_organisation_panels_take_the_organisation():
    own = Registry()
    own.register_organisation_panel(
        "o.name", template_name="name.html", context=lambda u, org: {"name": org}, order=2
    )
    own.register_organisation_panel(
        "o.hidden", template_name="hidden.html", context=lambda u, org: None, order=1
    )
    assert [(p.key, p.context) for p in own.organisation_page(None, "恒信")] == [
        ("o.name", {"name": "恒信"})
    ]


def test_the_apps_fill_the_project_s_registries():
    assert [p.key for p in registry.todo_providers(ENTERPRISE)] == [
        "instruments.due",
        "orders.enterprise",
        "needs.surveys",
        "experts.problems.enterprise",
        "experts.consultations",
    ]
    assert [p.key for p in registry.todo_providers(INSTITUTION)] == [
        "orders.queue",
        "needs.fieldwork.member",
        "experts.problems.assignee",
        "experts.consultations",
    ]
    assert [p.key for p in registry.todo_providers(DashboardRole.EXPERT)] == [
        "needs.fieldwork.member",
        "experts.problems.assignee",
        "experts.consultations",
    ]
    assert [p.key for p in registry.todo_providers(REGULATOR)] == [
        "orgs.registrations",
        "campaigns.reports",
        "needs.fieldwork.bureau",
        "experts.problems.bureau",
        "experts.consultations",
        "experts.knowledge.bureau",
    ]
    assert registry.todo_providers(DashboardRole.ADMINISTRATOR) == []
    assert [p.key for p in registry.dashboard_panels(ENTERPRISE)] == ["instruments.ledger"]
    assert [p.key for p in registry.dashboard_panels(REGULATOR)] == ["orders.statistics"]
    assert [p.key for p in registry.organisation_panels()] == [
        "orgs.profile",
        "instruments.ledger",
        "orders.enterprise",
        "needs.surveys",
        "needs.visits",
        "needs.needs",
        "experts.problems",
        "experts.consultations",
    ]
    demos = [loader.key for loader in demo_registry.loaders()]
    assert set(demos) == {
        "instruments",
        "notifications",
        "orders",
        "needs.questionnaires",
        "needs.answering",
        "needs.fieldwork",
        "experts.registry",
        "experts.problems",
        "experts.consultations",
        "experts.knowledge",
        "campaigns",
    }
    # The ledgers before the orders of their instruments, the questionnaire before its
    # answers, the campaigns counting the orders, the answers and the visits.
    assert demos.index("instruments") < demos.index("orders") < demos.index("campaigns")
    assert demos.index("needs.questionnaires") < demos.index("needs.answering")
    assert demos.index("needs.fieldwork") < demos.index("campaigns")
    # The experts before the problems and questions they solve and answer, the knowledge base
    # indexing those, the campaigns counting them.
    experts = [key for key in demos if key.startswith("experts.")]
    assert experts == [
        "experts.registry",
        "experts.problems",
        "experts.consultations",
        "experts.knowledge",
    ]
    assert demos.index("needs.fieldwork") < demos.index("experts.problems")
    assert demos.index("experts.knowledge") < demos.index("campaigns")


def test_demo_loaders_run_by_order_from_their_dotted_path():
    own = DemoRegistry()
    own.register("later", "jiliang.core.tests.test_dashboards.record_load", order=20)
    own.register("sooner", "jiliang.core.tests.test_dashboards.record_load", order=10)
    LOADED.clear()
    for loader in own.loaders():
        loader.load(loader.key)
    assert LOADED == ["sooner", "later"]


LOADED: list = []


def record_load(admin):
    LOADED.append(admin)


# Enterprise ------------------------------------------------------------------------------------


def instrument_due(world, number, due_in_days, *, actor="same_enterprise", organisation=None):
    """An instrument whose last calibration makes it due ``due_in_days`` from the real today
    (negative: overdue)."""
    today = timezone.localdate()
    instrument = add_instrument(
        world, actor=actor, organisation=organisation, management_number=number
    )
    # Due the day before the anniversary of the record (an interval of 12 months).
    day_after = today + timedelta(days=due_in_days + 1)
    add_record(world, instrument, actor=actor, date=day_after.replace(year=day_after.year - 1))
    instrument.refresh_from_db()
    assert instrument.next_due - today == timedelta(days=due_in_days), instrument.next_due
    return instrument


def new_order(world, *, enterprise="same_enterprise", institution=None, instruments=(), **fields):
    values = {
        "kind": "calibration",
        "service_mode": "drop_off",
        "contact_name": "张伟",
        "contact_phone": "0371-66668888",
        **fields,
    }
    return order_services.order_create(
        actor=world.users[enterprise],
        enterprise=world.organisations[enterprise],
        institution=institution or world.organisations["institution"],
        instruments=list(instruments),
        **values,
    )


def submitted(world, **fields):
    order = new_order(world, **fields)
    return order_services.order_submit(actor=world.users["same_enterprise"], order=order)


@pytest.fixture
def enterprise_ledger(world):
    """金水区's enterprise: two overdue instruments, one due in 10 days, one in 40; 开封市's:
    three overdue (none of ours to count)."""
    for number, days in (("JL-1", -3), ("JL-2", -100), ("JL-3", 10), ("JL-4", 40)):
        instrument_due(world, number, days)
    for number in ("KF-1", "KF-2", "KF-3"):
        instrument_due(
            world,
            number,
            -5,
            actor="other_enterprise",
            organisation=world.organisations["other_enterprise"],
        )
    return world


def test_enterprise_to_dos_count_its_own_ledger_only(
    enterprise_ledger, django_assert_max_num_queries
):
    world = enterprise_ledger
    warm(world.users["same_enterprise"])
    with django_assert_max_num_queries(MAX_ENTERPRISE_QUERIES):
        todos = todos_of(world.users["same_enterprise"], ENTERPRISE, timezone.localdate())
    assert counts(todos) == {
        "Instruments overdue for verification or calibration": 2,
        "Instruments due within 30 days": 1,
    }
    overdue, due = todos
    assert (overdue.severity, due.severity) == (Severity.DANGER, Severity.WARNING)
    assert overdue.url == reverse("instruments:instrument_list") + "?overdue=on&sort=due"
    assert due.url == reverse("instruments:instrument_list") + "?due_within=30&sort=due"
    other = todos_of(world.users["other_enterprise"], ENTERPRISE, timezone.localdate())
    assert counts(other) == {"Instruments overdue for verification or calibration": 3}
    # The ledger's list behind the link shows as many.
    page = client_for(world, "same_enterprise").get(overdue.url)
    assert page.status_code == 200
    assert len(page.context["object_list"]) == 2


def test_a_retired_instrument_is_nothing_to_do(world):
    instrument = instrument_due(world, "JL-9", -3)
    from jiliang.instruments.models import Instrument

    Instrument.objects.filter(pk=instrument.pk).update(status="retired")
    assert todos_of(world.users["same_enterprise"], ENTERPRISE, timezone.localdate()) == []


def test_orders_waiting_for_the_enterprise(world, django_assert_max_num_queries):
    enterprise, clerk = world.users["same_enterprise"], world.users["institution"]
    instruments = [add_instrument(world, management_number=f"JL-{n}") for n in range(4)]
    new_order(world, instruments=instruments[:1])  # a draft
    returned = submitted(world, instruments=instruments[1:2])
    order_services.order_return(actor=clerk, order=returned, reason="请补充型号")
    accepted = submitted(world, instruments=instruments[2:3])
    order_services.order_accept(actor=clerk, order=accepted, today=MONDAY)
    on_site = submitted(
        world, instruments=instruments[3:4], service_mode="on_site", site_address="郑州市金水区"
    )
    order_services.order_accept(actor=clerk, order=on_site, today=MONDAY)  # the visit is theirs
    approval = submitted(world, kind="standard", description="0.02级活塞式压力计标准装置")
    order_services.order_accept(actor=clerk, order=approval, today=MONDAY)
    # Another enterprise's returned order is not ours.
    theirs = new_order(
        world,
        enterprise="other_enterprise",
        kind="standard",
        description="电子天平检定装置",
    )
    order_services.order_submit(actor=world.users["other_enterprise"], order=theirs)
    order_services.order_return(actor=clerk, order=theirs, reason="请补充")

    warm(enterprise)

    with django_assert_max_num_queries(MAX_ENTERPRISE_QUERIES):
        todos = todos_of(enterprise, ENTERPRISE, MONDAY)
    orders = reverse("orders:order_list")
    assert [(str(t.label), t.count, t.url) for t in todos] == [
        ("Orders returned to you for changes", 1, f"{orders}?status=returned"),
        ("Accepted orders: bring or send the instruments", 1, f"{orders}?status=accepted"),
        ("Draft orders not submitted yet", 1, f"{orders}?status=draft"),
    ]
    assert counts(todos_of(world.users["other_enterprise"], ENTERPRISE, MONDAY)) == {
        "Orders returned to you for changes": 1
    }
    # A viewer sees the orders but does not act for the enterprise: nothing to do.
    assert todos_of(world.users["same_enterprise_viewer"], ENTERPRISE, MONDAY) == []


def test_an_enterprise_user_without_an_organisation_has_no_to_dos(db, client):
    client = in_english(client)
    client.force_login(build_user("loner"))
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert response.context["dashboard_todos"] is None
    assert 'id="todos-heading"' not in response.content.decode()
    assert "not attached to an organisation" in response.content.decode()


# Institution -----------------------------------------------------------------------------------


def test_the_institution_s_new_accepted_and_overdue_orders(world, django_assert_max_num_queries):
    clerk = world.users["institution"]
    instruments = [add_instrument(world, management_number=f"JL-{n}") for n in range(4)]
    submitted(world, instruments=instruments[:1])
    submitted(world, instruments=instruments[1:2])
    accepted = submitted(world, instruments=instruments[2:3])
    order_services.order_accept(actor=clerk, order=accepted, today=MONDAY)
    late = submitted(world, kind="standard", description="0.02级活塞式压力计标准装置")
    order_services.order_accept(actor=clerk, order=late, today=MONDAY)
    late = order_services.order_receive(actor=clerk, order=late, today=MONDAY)
    new_order(world, instruments=instruments[3:4])  # a draft: not the institution's to see
    after = late.deadline + timedelta(days=1)

    warm(clerk)

    with django_assert_max_num_queries(MAX_INSTITUTION_QUERIES):
        todos = todos_of(clerk, INSTITUTION, after)
    queue = reverse("orders:queue")
    own = world.organisations["institution"].pk
    assert [(str(t.label), t.count, t.url, t.severity) for t in todos] == [
        ("Orders past their deadline", 1, f"{queue}?institution={own}", "danger"),
        ("New orders to accept", 2, f"{queue}?institution={own}&status=submitted", "warning"),
        (
            "Accepted orders not received yet",
            1,
            f"{queue}?institution={own}&status=accepted",
            "info",
        ),
    ]
    assert counts(todos_of(clerk, INSTITUTION, late.deadline)) == {
        "New orders to accept": 2,
        "Accepted orders not received yet": 1,
    }
    order_services.order_complete(actor=clerk, order=late, today=after)
    assert "Orders past their deadline" not in counts(todos_of(clerk, INSTITUTION, after))
    # The queue behind the link lists them.
    page = client_for(world, "institution").get(todos[1].url)
    assert len(page.context["object_list"]) == 2


def test_a_running_pause_holds_an_approval_s_deadline_as_the_queue_counts_it(world):
    clerk = world.users["institution"]
    approvals = []
    for description in ("ACS-30 电子计价秤", "0.02级活塞式压力计标准装置"):
        order = submitted(world, kind="pattern", description=description)
        approvals.append(order_services.order_accept(actor=clerk, order=order, today=MONDAY))
    paused, running = approvals
    order_services.pause_start(
        actor=clerk, order=paused, reason="type_evaluation", started=date(2026, 10, 12)
    )
    paused.refresh_from_db()
    for today in (date(2026, 10, 20), running.deadline, date(2026, 11, 30), date(2027, 3, 1)):
        expected = sum(
            1
            for order in Order.objects.filter(pk__in=[paused.pk, running.pk])
            if (order_selectors.remaining_workdays(order, today) or 0) < 0
        )
        found = counts(todos_of(clerk, INSTITUTION, today)).get("Orders past their deadline", 0)
        assert found == expected, today
    assert counts(todos_of(clerk, INSTITUTION, date(2027, 3, 1)))["Orders past their deadline"] == 1


def test_a_member_of_two_institutions_reads_whose_queue(world):
    admin = world.users["platform_admin"]
    second = org_services.organisation_create(
        actor=admin,
        kind="institution",
        name="开封市计量测试所",
        uscc=demo_uscc("12", "410200", 990),
        region=world.regions["410200"],
    )
    clerk = world.users["institution"]
    org_services.membership_add(actor=admin, organisation=second, user=clerk, role="staff")
    submitted(world, instruments=[add_instrument(world)])
    submitted(
        world,
        institution=second,
        instruments=[add_instrument(world, management_number="JL-2")],
    )
    todos = todos_of(clerk, INSTITUTION, MONDAY)
    assert sorted((str(t.label), t.url.split("&")[0]) for t in todos) == [
        (
            "New orders to accept · institution organisation",
            f"{reverse('orders:queue')}?institution={world.organisations['institution'].pk}",
        ),
        (
            "New orders to accept · 开封市计量测试所",
            f"{reverse('orders:queue')}?institution={second.pk}",
        ),
    ]


# Regulator -------------------------------------------------------------------------------------


@pytest.fixture
def bureaus(db):
    return build_bureaus()


@pytest.fixture
def campaign(bureaus):
    return campaign_services.campaign_create(
        actor=bureaus.users["province"],
        organiser=bureaus.organisations["province"],
        name="2020年计量服务中小企业行",
        year=2020,
        period_type="monthly",
    )


def submit(bureaus, campaign, name, period):
    return campaign_services.report_submit(
        actor=bureaus.users[name],
        campaign=campaign,
        region=bureaus.regions[name],
        period=period,
    )


def test_reports_waiting_for_the_bureau_s_approval(
    bureaus, campaign, django_assert_max_num_queries
):
    for period in ("2020-01", "2020-02"):
        submit(bureaus, campaign, "jinshui", period)
    submit(bureaus, campaign, "zhongyuan", "2020-01")
    today = date(2020, 1, 20)  # nothing late yet: January's deadline is 10 February
    warm(bureaus.users["zhengzhou"])
    with django_assert_max_num_queries(MAX_REGULATOR_QUERIES):
        todos = todos_of(bureaus.users["zhengzhou"], REGULATOR, today)
    assert [(str(t.label), t.count, t.url, t.severity) for t in todos] == [
        (
            "Reports waiting for your approval: 2020年计量服务中小企业行",
            3,
            reverse("campaigns:approvals", args=[campaign.pk]),
            "warning",
        )
    ]
    for name in ("province", "jinshui", "kaifeng", "viewer"):
        assert todos_of(bureaus.users[name], REGULATOR, today) == [], name


def test_regions_late_to_report(bureaus, campaign, django_assert_max_num_queries):
    zhengzhou, province = bureaus.users["zhengzhou"], bureaus.users["province"]
    today = date(2020, 3, 15)  # January's and February's deadlines have passed
    for period in ("2020-01", "2020-02"):
        report = submit(bureaus, campaign, "jinshui", period)
        campaign_services.report_approve(actor=zhengzhou, report=report)
    returned = submit(bureaus, campaign, "zhongyuan", "2020-01")
    campaign_services.report_return(actor=zhengzhou, report=returned, reason="请核对")

    warm(zhengzhou)

    with django_assert_max_num_queries(MAX_REGULATOR_QUERIES):
        todos = todos_of(zhengzhou, REGULATOR, today)
    approvals = reverse("campaigns:approvals", args=[campaign.pk])
    assert [(str(t.label), t.count, t.url, t.severity) for t in todos] == [
        (
            "Regions late to report: 2020年计量服务中小企业行",
            1,  # 中原区: January returned, February never submitted
            f"{approvals}?region={bureaus.regions['zhengzhou'].pk}&status=late",
            "danger",
        )
    ]
    # The province: 郑州市 and 开封市 (巩义市 has no bureau, so reports nothing).
    assert counts(todos_of(province, REGULATOR, today)) == {
        "Regions late to report: 2020年计量服务中小企业行": 2
    }
    # Before any deadline, nobody is late.
    assert todos_of(province, REGULATOR, date(2020, 2, 1)) == []
    # 金水区's bureau has no region reporting to it.
    assert todos_of(bureaus.users["jinshui"], REGULATOR, today) == []


def test_a_report_returned_before_its_deadline_is_not_late(bureaus, campaign):
    zhengzhou = bureaus.users["zhengzhou"]
    for name in ("jinshui", "zhongyuan"):
        campaign_services.report_approve(
            actor=zhengzhou, report=submit(bureaus, campaign, name, "2020-01")
        )
    returned = submit(bureaus, campaign, "jinshui", "2020-02")
    campaign_services.report_return(actor=zhengzhou, report=returned, reason="请核对")
    assert todos_of(zhengzhou, REGULATOR, date(2020, 3, 5)) == []  # February's is due 10 March
    late = todos_of(zhengzhou, REGULATOR, date(2020, 3, 11))
    assert [(str(t.label), t.count) for t in late] == [
        ("Regions late to report: 2020年计量服务中小企业行", 2)
    ]


def test_late_regions_are_those_completeness_finds_short_once_every_deadline_passed(
    bureaus, campaign
):
    from jiliang.campaigns import selectors as campaign_selectors
    from jiliang.campaigns.todos import late_regions

    zhengzhou = bureaus.users["zhengzhou"]
    for period in period_keys(campaign):
        campaign_services.report_approve(
            actor=zhengzhou, report=submit(bureaus, campaign, "jinshui", period)
        )
    submit(bureaus, campaign, "zhongyuan", "2020-05")
    after = date(2021, 3, 1)
    lines = campaign_selectors.completeness(
        user=zhengzhou, campaign=campaign, region=bureaus.regions["zhengzhou"], today=after
    )
    short = [
        line["region"]
        for line in lines
        if not line["is_total"] and line["received"] < line["expected"]
    ]
    assert short == [bureaus.regions["zhongyuan"]]
    assert late_regions(user=zhengzhou, today=after) == [
        {"campaign": campaign, "region": bureaus.regions["zhengzhou"], "late": short}
    ]


def period_keys(campaign):
    from jiliang.campaigns.periods import periods_of

    return [period.key for period in periods_of(campaign)]


def test_the_regulator_to_dos_do_not_grow_with_the_regions_or_campaigns(
    bureaus, campaign, django_assert_max_num_queries
):
    city = campaign_services.campaign_create(
        actor=bureaus.users["zhengzhou"],
        organiser=bureaus.organisations["zhengzhou"],
        name="郑州市2020年计量服务",
        year=2020,
        period_type="quarterly",
    )
    submit(bureaus, city, "jinshui", "2020-Q1")
    for name in ("province", "zhengzhou"):
        user = warm(bureaus.users[name])
        with django_assert_max_num_queries(MAX_REGULATOR_QUERIES):
            todos = todos_of(user, REGULATOR, date(2021, 1, 20))
        assert todos, name
    assert counts(todos_of(bureaus.users["province"], REGULATOR, date(2021, 1, 20))) == {
        "Regions late to report: 2020年计量服务中小企业行": 2
    }
    assert counts(todos_of(bureaus.users["zhengzhou"], REGULATOR, date(2021, 1, 20))) == {
        "Reports waiting for your approval: 郑州市2020年计量服务": 1,
        "Regions late to report: 郑州市2020年计量服务": 2,
        "Regions late to report: 2020年计量服务中小企业行": 2,
    }


# The pages -------------------------------------------------------------------------------------


def todo_section(response) -> str:
    html = response.content.decode()
    match = re.search(r'<section class="card mb-4 jl-todos".*?</section>', html, re.S)
    return match.group(0) if match else ""


@pytest.mark.parametrize(
    ("actor", "role"),
    [
        ("same_enterprise", "enterprise"),
        ("same_enterprise_viewer", "enterprise"),
        ("other_enterprise", "enterprise"),
        ("institution", "institution"),
        ("regulator_above", "regulator"),
        ("sibling_regulator", "regulator"),
        ("platform_admin", "administrator"),
    ],
)
def test_every_role_s_dashboard_renders_with_nothing_to_do(world, actor, role):
    response = client_for(world, actor).get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert f"core/dashboard_{role}.html" in [t.name for t in response.templates]
    section = todo_section(response)
    if role == "administrator":
        assert section == ""  # no app gives administrators to-dos
    else:
        assert "Nothing to do." in section


def test_the_expert_dashboard_renders(world):
    admin = world.users["platform_admin"]
    association = org_services.organisation_create(
        actor=admin,
        kind="association",
        name="河南省计量协会",
        uscc=demo_uscc("51", "410100", 991),
        region=world.regions["410100"],
    )
    expert = build_user("expert-1")
    org_services.membership_add(actor=admin, organisation=association, user=expert, role="expert")
    from django.test import Client

    client = in_english(Client())
    client.force_login(expert)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert "core/dashboard_expert.html" in [t.name for t in response.templates]
    assert "Nothing to do." in todo_section(response)  # no service team to visit with


def build_user(username):
    from jiliang.accounts.services import user_create

    return user_create(actor=None, username=username, email=f"{username}@example.com")


def test_the_enterprise_dashboard_lists_its_to_dos_above_the_ledger(
    enterprise_ledger, django_assert_max_num_queries
):
    world = enterprise_ledger
    client = client_for(world, "same_enterprise")
    client.get(reverse("core:dashboard"))  # warm the session and the template cache
    # Session, user, scope, memberships, the inbox's bell; the two to-do counts; the ledger;
    # the questionnaires waiting (three); the solutions to confirm and the consultations.
    with django_assert_max_num_queries(8 + 3 + 2):
        response = client.get(reverse("core:dashboard"))
    html = response.content.decode()
    section = todo_section(response)
    assert "Nothing to do." not in section
    overdue_link = reverse("instruments:instrument_list") + "?overdue=on&amp;sort=due"
    assert f'href="{overdue_link}"' in section
    assert re.search(
        r"Instruments overdue for verification or calibration</span>\s*"
        r'<span class="badge rounded-pill text-bg-danger flex-shrink-0">2</span>',
        section,
    )
    assert "Instruments due within 30 days" in section
    assert "Urgent: " in section  # the colour's meaning in words, for screen readers
    # The ledger panel, after the to-dos.
    assert html.index("jl-todos") < html.index("Instrument ledger</h2>")
    assert response.context["dashboard_panels"][0].context["summary"]["overdue"] == 2


def test_the_institution_dashboard_lists_its_to_dos(world, django_assert_max_num_queries):
    submitted(world, instruments=[add_instrument(world)])
    client = client_for(world, "institution")
    client.get(reverse("core:dashboard"))
    # The queue's counts: one query; the assigned enterprises its staff have not visited: one;
    # the problems assigned and the consultations: one each.
    with django_assert_max_num_queries(6 + 1 + 2):
        response = client.get(reverse("core:dashboard"))
    section = todo_section(response)
    assert "New orders to accept" in section
    assert f"{reverse('orders:queue')}?institution=" in section


def test_the_bureau_dashboard_lists_reports_to_approve_and_regions_late(
    bureaus, campaign, django_assert_max_num_queries
):
    from django.test import Client

    submit(bureaus, campaign, "jinshui", "2020-01")
    client = in_english(Client())
    client.force_login(bureaus.users["zhengzhou"])
    client.get(reverse("core:dashboard"))
    # The dashboard's ten, four more once a campaign has a deadline past, the enterprise
    # registrations to confirm and the urgent needs still open; the problems by state, the
    # consultations and the accepted answers to collect.
    with django_assert_max_num_queries(10 + 4 + 1 + 1 + 3):
        response = client.get(reverse("core:dashboard"))
    section = todo_section(response)
    assert f'href="{reverse("campaigns:approvals", args=[campaign.pk])}"' in section
    assert "Reports waiting for your approval: 2020年计量服务中小企业行" in section
    assert "Regions late to report: 2020年计量服务中小企业行" in section  # all of 2020 is past


def test_the_regulator_dashboard_shows_the_statistics_panel(world, django_assert_max_num_queries):
    client = client_for(world, "regulator_above")
    client.get(reverse("core:dashboard"))
    with django_assert_max_num_queries(15):  # no campaign: 7 queries for the to-dos
        response = client.get(reverse("core:dashboard"))
    html = response.content.decode()
    assert f'href="{reverse("orders_statistics:index")}"' in html
    assert "Nothing to do." in todo_section(response)


# The 360° page's panels ------------------------------------------------------------------------


def test_the_ledger_panel_of_an_organisation_s_360_page(enterprise_ledger):
    world = enterprise_ledger
    enterprise = world.enterprise
    shown = ledger_panels(registry.organisation_page(world.users["same_enterprise"], enterprise))
    assert [panel.key for panel in shown] == ["instruments.ledger"]
    assert shown[0].context["summary"]["overdue"] == 2
    # What the coming page renders: the registered panels, through core's template.
    html = render_to_string("core/_panels.html", {"panels": shown})
    assert f"?organisation={enterprise.pk}" in html
    assert "The ledger of same_enterprise organisation" in html
    # The counts of a platform administrator are those of that organisation alone.
    admin_view = ledger_panels(
        registry.organisation_page(world.users["platform_admin"], enterprise)
    )
    assert admin_view[0].context["summary"]["total"] == 4
    # Outsiders, a regulator and an institution get no ledger section.
    for actor in ("other_enterprise", "regulator_above", "institution"):
        assert ledger_panels(registry.organisation_page(world.users[actor], enterprise)) == []


def ledger_panels(shown):
    """The ledger's section among the page's (the profile and other apps' sections besides)."""
    return [panel for panel in shown if panel.key == "instruments.ledger"]


# Core knows no app above it --------------------------------------------------------------------

CORE = Path(apps.get_app_config("core").path)
# The apps core stands on (memberships, regions, users); every other app of the project is
# above it and plugs in through the registries.
BELOW_CORE = {"core", "orgs", "accounts"}
ABOVE_CORE = {
    Path(config.path).name
    for config in apps.get_app_configs()
    if config.name.startswith("jiliang.") and Path(config.path).name not in BELOW_CORE
}


def core_modules():
    for path in sorted(CORE.rglob("*.py")):
        parts = path.relative_to(CORE).parts
        if parts[0] in ("tests", "migrations"):
            continue
        yield path


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_the_apps_above_core_are_known():
    assert {"instruments", "orders", "campaigns", "notifications"} <= ABOVE_CORE


def test_core_imports_no_app_above_it():
    offending = [
        f"{path.relative_to(CORE)}: {module}"
        for path in core_modules()
        for module in imported_modules(path)
        if module.split(".")[:2] in (["jiliang", app] for app in ABOVE_CORE)
    ]
    assert offending == []


def url_namespaces_of_apps_above() -> set[str]:
    resolver = get_resolver()
    namespaces = set()
    for namespace, (_prefix, included) in resolver.namespace_dict.items():
        module = included.urlconf_name
        name = module if isinstance(module, str) else getattr(module, "__name__", "")
        if name.split(".")[:2] in (["jiliang", app] for app in ABOVE_CORE):
            namespaces.add(namespace)
    return namespaces


def test_core_templates_name_no_app_above_it():
    above_namespaces = url_namespaces_of_apps_above()
    assert {"instruments", "orders", "orders_statistics", "campaigns"} <= above_namespaces
    offending = []
    for path in sorted((CORE / "templates").rglob("*.html")):
        text = path.read_text()
        for namespace in re.findall(r"{%\s*url\s+['\"](\w+):", text):
            if namespace in above_namespaces:
                offending.append(f"{path.name}: url {namespace}")
        for name in re.findall(r"{%\s*(?:include|extends)\s+['\"]([^'\"]+)['\"]", text):
            if name.split("/")[0] in ABOVE_CORE:
                offending.append(f"{path.name}: {name}")
    assert offending == []


def test_the_to_dos_speak_chinese_by_default(enterprise_ledger):
    html = enterprise_ledger.client_for("same_enterprise").get(reverse("core:dashboard"))
    section = todo_section(html)
    for words in ("待办事项", "超期未检定或校准的计量器具", "30 天内到期的计量器具", "紧急"):
        assert words in section, words


# On a phone ------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_to_dos_fit_a_phone(live_server, new_context, results_dir, language):
    from playwright.sync_api import expect

    from jiliang.core.testing.matrix import build_world
    from jiliang.orgs.models import Region
    from jiliang.orgs.reference import load_reference_regions

    load_reference_regions(Region)  # a transactional test starts from an empty database
    world = build_world()
    for number, days in (("YL-2026-000000000007-动力车间", -3), ("JL-2", 10)):
        instrument_due(world, number, days)
    submitted(world, instruments=[add_instrument(world, management_number="JL-3")])
    page = new_context(
        viewport={"width": 375, "height": 812}, device_scale_factor=2, has_touch=True
    ).new_page()
    session = world.client_for("same_enterprise").cookies["sessionid"].value
    page.context.add_cookies(
        [
            {"name": name, "value": value, "url": live_server.url}
            for name, value in (("sessionid", session), ("django_language", language))
        ]
    )
    page.goto(live_server.url + reverse("core:dashboard"))
    todos = page.locator("section.jl-todos")
    expect(todos).to_be_visible()
    links = todos.get_by_role("link")
    expect(links).to_have_count(2)  # the submitted order waits for the institution, not us
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    for index in range(2):
        box = links.nth(index).bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 376
        assert box["height"] >= 40  # a thumb's target
    page.screenshot(path=results_dir / f"dashboard-todos-phone-{language}.png", full_page=True)
    links.first.click()
    expect(page).to_have_url(re.compile(r"overdue=on"))
