"""Order statistics: the numbers against hand-computed ones, who counts what, and the page and
endpoint for every actor."""

import itertools
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from jiliang.accounts.services import user_create
from jiliang.core.testing.matrix import (
    SIGNED_IN_ACTORS,
    MatrixCase,
    build_world,
    check,
    matrix_params,
)
from jiliang.instruments.tests.conftest import add_instrument
from jiliang.orders import services
from jiliang.orders.models import Order
from jiliang.orders.stats import enterprise_summary, order_statistics, statistics_table
from jiliang.orgs import services as org_services
from jiliang.orgs.demo import demo_uscc
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = pytest.mark.usefixtures("english")

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Received on Monday 28 September 2026; 1–7 October are the National Day holidays and Saturday
# 10 October is a make-up working day. A green-channel calibration's 5 working days end then.
RECEIVED = date(2026, 9, 28)
TODAY = date(2026, 10, 20)
# Just after midnight in China, still the previous day in UTC.
SUBMITTED = datetime(2026, 9, 25, 0, 30, tzinfo=SHANGHAI)
_numbers = itertools.count(1)


def at(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def add_member(admin, username, organisation, role="admin"):
    user = user_create(
        actor=admin,
        username=username,
        email=f"{username}@example.com",
        password="stats-password-1",
        check_password_strength=False,
    )
    org_services.membership_add(actor=admin, organisation=organisation, user=user, role=role)
    return user


def add_organisation(world, kind, name, region_code, serial):
    return org_services.organisation_create(
        actor=world.users["platform_admin"],
        kind=kind,
        name=name,
        uscc=demo_uscc("91", region_code, serial),
        region=Region.objects.get(code=region_code),
    )


class Orders:
    """Orders built through the services, with the days the services stamp as ``now`` set to
    the scenario's days afterwards."""

    def __init__(self, world, institution=None, clerk=None):
        self.world = world
        self.institution = institution or world.organisations["institution"]
        self.clerk = clerk or world.users["institution"]

    def submitted(self, actor="same_enterprise", kind="calibration", on=SUBMITTED):
        enterprise = self.world.organisations[actor]
        instrument = add_instrument(
            self.world,
            actor=actor,
            organisation=enterprise,
            management_number=f"ST-{next(_numbers)}",
        )
        order = services.order_create(
            actor=self.world.users[actor],
            enterprise=enterprise,
            institution=self.institution,
            kind=kind,
            instruments=[instrument],
            service_mode="drop_off",
            contact_name="张伟",
            contact_phone="0371-66668888",
        )
        services.order_submit(actor=self.world.users[actor], order=order)
        Order.objects.filter(pk=order.pk).update(submitted_at=on)
        return order

    def received(self, received_on=RECEIVED, **fields):
        order = self.submitted(**fields)
        services.order_accept(actor=self.clerk, order=order, today=received_on)
        return services.order_receive(actor=self.clerk, order=order, today=received_on)

    def completed(self, finished: datetime, **fields):
        order = self.received(**fields)
        services.item_record_result(
            actor=self.clerk,
            item=order.items.get(),
            conclusion="pass",
            result_date=finished.date(),
            certificate_number=f"JZ-{order.pk}",
        )
        services.order_complete(actor=self.clerk, order=order, today=finished.date())
        Order.objects.filter(pk=order.pk).update(completed_at=finished)
        return Order.objects.get(pk=order.pk)


@pytest.fixture
def scenario(world):
    """Orders of the enterprise in 金水区 (郑州市) and of the other enterprise in 开封市, to the
    institution in 郑州市 and to a second one in 开封市."""
    admin = world.users["platform_admin"]
    province = add_organisation(world, "regulator", "河南省市场监督管理局", "410000", 801)
    second = add_organisation(world, "institution", "开封市计量测试所", "410200", 802)
    extra = {
        "province": add_member(admin, "province", province),
        "second_institution": add_member(admin, "second-clerk", second),
        "nobody": user_create(actor=admin, username="nobody", email="nobody@example.com"),
    }
    first = Orders(world)
    on_time = first.completed(at(2026, 10, 9, 15))  # 29, 30 Sep, 8, 9 Oct: 4 working days
    assert on_time.deadline == date(2026, 10, 10)
    # Late; 29, 30, 8, 9, 10 (Saturday), 12, 13: 7 working days (the 12th is the day in UTC).
    first.completed(at(2026, 10, 13, 0, 30))
    # 00:30 on Sunday 11 October in China is still Saturday the 10th in UTC: late, 5 days.
    first.completed(at(2026, 10, 11, 0, 30))
    overdue = first.received()  # deadline 10 October, open on 20 October
    first.submitted()  # open, no deadline yet
    services.order_cancel(actor=world.users["same_enterprise"], order=first.submitted())
    services.order_create(  # a draft is nobody's statistic
        actor=world.users["same_enterprise"],
        enterprise=world.enterprise,
        institution=world.organisations["institution"],
        kind="calibration",
        instruments=[add_instrument(world, management_number="DRAFT-1")],
        service_mode="drop_off",
        contact_name="张伟",
        contact_phone="0371-66668888",
    )
    # Mandatory verification, free, finished on the make-up Saturday that is its deadline.
    first.completed(at(2026, 10, 10, 9), kind="mandatory")
    # To the institution in 开封市: still the 郑州 enterprise's order, so 郑州's to count.
    Orders(world, second, extra["second_institution"]).completed(
        at(2026, 10, 8, 11), received_on=date(2026, 9, 30)
    )
    # The 开封 enterprise's order to the 郑州 institution: 开封's to count, not 郑州's.
    first.completed(at(2026, 10, 9, 16), actor="other_enterprise")
    return {"users": {**world.users, **extra}, "second": second, "overdue": overdue}


def row(institution, kind, kind_name, counts, on_time_percent, average_workdays):
    submitted, open_, completed, completed_on_time, cancelled, overdue = counts
    return {
        "institution": institution.pk,
        "institution_name": institution.name,
        "kind": kind,
        "kind_name": kind_name,
        "submitted": submitted,
        "open": open_,
        "completed": completed,
        "completed_on_time": completed_on_time,
        "cancelled": cancelled,
        "on_time_percent": on_time_percent,
        "average_workdays": average_workdays,
        "overdue": overdue,
    }


def expected_rows(world, scenario, who):
    institution, second = world.organisations["institution"], scenario["second"]
    zhengzhou_calibration = row(
        institution, "calibration", "Calibration", (6, 2, 3, 1, 1, 1), 33.3, 5.3
    )
    # (4 + 7 + 5) / 3 working days; in calendar days it would be (11 + 15 + 13) / 3.
    mandatory = row(
        institution, "mandatory", "Mandatory verification", (1, 0, 1, 1, 0, 0), 100.0, 5.0
    )
    kaifeng_calibration = row(
        institution, "calibration", "Calibration", (1, 0, 1, 1, 0, 0), 100.0, 4.0
    )
    to_second = row(second, "calibration", "Calibration", (1, 0, 1, 1, 0, 0), 100.0, 1.0)
    both_calibration = row(institution, "calibration", "Calibration", (7, 2, 4, 2, 1, 1), 50.0, 5.0)
    return {
        "zhengzhou": [mandatory, zhengzhou_calibration, to_second],
        "kaifeng": [kaifeng_calibration],
        "all": [mandatory, both_calibration, to_second],
        "institution": [mandatory, both_calibration],
    }[who]


@pytest.mark.parametrize(
    ("actor", "who"),
    [
        ("regulator_above", "zhengzhou"),
        ("same_enterprise", "zhengzhou"),
        ("same_enterprise_viewer", "zhengzhou"),
        ("sibling_regulator", "kaifeng"),
        ("other_enterprise", "kaifeng"),
        ("province", "all"),
        ("platform_admin", "all"),
        ("institution", "institution"),
    ],
)
def test_the_numbers_for_each_actor(world, scenario, actor, who):
    rows = order_statistics(user=scenario["users"][actor], today=TODAY)
    assert rows == expected_rows(world, scenario, who)


@pytest.mark.parametrize(
    ("actor", "counts", "average"),
    [
        # 5 completed orders of 5, 4, 7, 5 and 1 working days: 22 / 5, not the rows' 3.8.
        ("regulator_above", (8, 2, 5, 3, 1, 1), 4.4),
        # 6 completed orders, 26 working days: 4.3, not (5.0 + 5.0 + 1.0) / 3.
        ("province", (9, 2, 6, 4, 1, 1), 4.3),
        ("sibling_regulator", (1, 0, 1, 1, 0, 0), 4.0),
    ],
)
def test_the_total_row_averages_the_working_days_over_every_order(
    world, scenario, actor, counts, average
):
    total = statistics_table(user=scenario["users"][actor], today=TODAY)["total"]
    submitted, open_, completed, on_time, cancelled, overdue = counts
    assert total == {
        "submitted": submitted,
        "open": open_,
        "completed": completed,
        "completed_on_time": on_time,
        "cancelled": cancelled,
        "overdue": overdue,
        "on_time_percent": round(100 * on_time / completed, 1),
        "average_workdays": average,
    }


def test_the_total_row_of_nothing_has_no_average(world, scenario):
    total = statistics_table(user=scenario["users"]["nobody"], today=TODAY)["total"]
    assert total["submitted"] == 0
    assert total["average_workdays"] is None
    assert total["on_time_percent"] is None


def test_the_second_institution_counts_only_what_was_addressed_to_it(world, scenario):
    rows = order_statistics(user=scenario["users"]["second_institution"], today=TODAY)
    assert [(r["institution"], r["submitted"]) for r in rows] == [(scenario["second"].pk, 1)]


def test_outsiders_count_nothing(world, scenario):
    assert order_statistics(user=AnonymousUser(), today=TODAY) == []
    assert order_statistics(user=scenario["users"]["nobody"], today=TODAY) == []


def test_an_order_is_overdue_only_after_its_deadline_and_while_open(world, scenario):
    def overdue(today):
        return sum(
            r["overdue"] for r in order_statistics(user=world.users["institution"], today=today)
        )

    assert overdue(date(2026, 10, 10)) == 0  # the deadline itself
    assert overdue(date(2026, 10, 11)) == 1
    services.item_record_result(
        actor=world.users["institution"],
        item=scenario["overdue"].items.get(),
        conclusion="pass",
        result_date=TODAY,
    )
    services.order_complete(
        actor=world.users["institution"], order=scenario["overdue"], today=TODAY
    )
    assert overdue(TODAY) == 0


def test_the_period_counts_orders_by_the_chinese_day_of_submission(world, scenario):
    user = world.users["regulator_above"]
    Order.objects.filter(kind="mandatory").update(submitted_at=at(2026, 8, 1, 9))

    def kinds(**period):
        return [
            (r["kind"], r["submitted"]) for r in order_statistics(user=user, today=TODAY, **period)
        ]

    # Submitted at 00:30 on 25 September in China: the 24th in UTC, but not here.
    assert kinds(until=date(2026, 9, 24)) == [("mandatory", 1)]
    assert kinds(since=date(2026, 9, 25), until=date(2026, 9, 25)) == [
        ("calibration", 6),
        ("calibration", 1),
    ]
    assert kinds(since=date(2026, 9, 26)) == []


def test_the_query_count_does_not_grow_with_the_orders(world, scenario, django_assert_num_queries):
    def count_as_regulator():
        fresh = type(world.users["regulator_above"]).objects.get(username="regulator_above")
        with django_assert_num_queries(4):  # memberships, regulated regions, counts, durations
            return order_statistics(user=fresh, today=TODAY)

    before = count_as_regulator()
    orders = Orders(world)
    for finished in (at(2026, 10, 12, 9), at(2026, 10, 14, 9), at(2026, 10, 15, 9)):
        orders.completed(finished, kind="verification")
    orders.received(kind="testing")
    after = count_as_regulator()
    assert len(after) == len(before) + 2


# The page and the endpoint ---------------------------------------------------------------------

PAGE = reverse("orders_statistics:index")
API = "/api/v1/orders/statistics"
CASES = [
    MatrixCase(
        "page", "get", lambda w: PAGE, {"anonymous": 302, **dict.fromkeys(SIGNED_IN_ACTORS, 200)}
    ),
    MatrixCase(
        "api",
        "get",
        lambda w: API,
        {"anonymous": 401, **dict.fromkeys(SIGNED_IN_ACTORS, 200)},
        api=True,
    ),
    MatrixCase(
        "api-total",
        "get",
        lambda w: f"{API}/total",
        {"anonymous": 401, **dict.fromkeys(SIGNED_IN_ACTORS, 200)},
        api=True,
    ),
]


@pytest.mark.parametrize(("case", "actor"), matrix_params(CASES))
def test_permission_matrix(world, case, actor):
    check(world, case, actor)


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def signed_in(user):
    client = in_english(Client())
    client.force_login(user)
    return client


def test_the_page_shows_the_table_and_the_charts_without_inline_script(world, scenario):
    response = signed_in(world.users["regulator_above"]).get(PAGE)
    html = response.content.decode()
    table = re.sub(r"\s+", " ", html)
    assert "<td>institution organisation</td><td>Calibration</td>" in table
    assert '<td class="text-end">33.3&nbsp;%</td>' in table
    assert '<td class="text-end">5.3</td>' in table
    assert "开封市计量测试所" in html
    assert 'data-chart="on_time"' in html
    assert 'data-chart="kinds"' in html
    assert response.context["chart_data"] == {
        "on_time": [
            {"name": "institution organisation", "value": 50.0, "color": "#198754"},
            {"name": "开封市计量测试所", "value": 100.0, "color": "#198754"},
        ],
        "kinds": [
            {"name": "Mandatory verification", "value": 1, "color": "#0d6efd"},
            {"name": "Calibration", "value": 7, "color": "#0d6efd"},
        ],
    }
    assert 'id="order-statistics-chart-data" type="application/json"' in html
    for script in re.findall(r"<script([^>]*)>", html):
        assert "src=" in script or 'type="application/json"' in script, script
    # Counts, never the orders: no order number reaches a regulator.
    assert not re.search(r"JL\d{14}", html)


def test_the_page_shows_the_average_working_days_in_the_all_row(world, scenario):
    html = signed_in(world.users["regulator_above"]).get(PAGE).content.decode()
    footer = re.sub(r"\s+", " ", html.split("<tfoot>")[1].split("</tfoot>")[0])
    assert "All" in footer
    assert '<td class="text-end">4.4</td>' in footer


def test_the_page_filters_by_period_and_explains_a_backwards_one(world, scenario):
    client = signed_in(world.users["regulator_above"])
    empty = client.get(PAGE, {"since": "2026-09-26"})
    assert empty.context["rows"] == []
    assert "No orders were submitted in this period" in empty.content.decode()
    backwards = client.get(PAGE, {"since": "2026-10-02", "until": "2026-10-01"})
    assert backwards.status_code == 200
    assert backwards.context["rows"] == []
    assert "The end of the period is before its start." in backwards.content.decode()
    assert len(client.get(PAGE, {"since": "2026-09-25"}).context["rows"]) == 3


def test_the_page_for_a_sibling_regulator_shows_only_its_city(world, scenario):
    response = signed_in(world.users["sibling_regulator"]).get(PAGE)
    assert [(r["institution_name"], r["submitted"]) for r in response.context["rows"]] == [
        ("institution organisation", 1)
    ]
    assert "开封市计量测试所" not in response.content.decode()


def test_the_regulator_dashboard_links_to_the_statistics(world):
    response = signed_in(world.users["regulator_above"]).get(reverse("core:dashboard"))
    assert f'href="{PAGE}"' in response.content.decode()


def test_the_api_gives_the_rows(world, scenario):
    client = in_english(world.client_for("regulator_above", api=True))
    response = client.get(API)
    assert response.status_code == 200
    assert response.json() == expected_rows(world, scenario, "zhengzhou")
    assert client.get(API, {"until": "2026-09-24"}).json() == []
    sibling = in_english(world.client_for("sibling_regulator", api=True)).get(API).json()
    assert sibling == expected_rows(world, scenario, "kaifeng")


def test_the_api_gives_the_total(world, scenario):
    client = world.client_for("regulator_above", api=True)
    total = client.get(f"{API}/total").json()
    assert (total["submitted"], total["completed"], total["average_workdays"]) == (8, 5, 4.4)
    assert client.get(f"{API}/total", {"until": "2026-09-24"}).json()["average_workdays"] is None
    response = client.get(f"{API}/total", {"since": "2026-10-02", "until": "2026-10-01"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({"since": "2026-10-02", "until": "2026-10-01"}, 400, "until"),
        ({"since": "yesterday"}, 422, "since"),
    ],
)
def test_the_api_refuses_a_bad_period(world, query, status, field):
    response = world.client_for("regulator_above", api=True).get(API, query)
    assert response.status_code == status
    assert response.json()["errors"][0]["field"] == field


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_charts_are_drawn_under_the_content_security_policy(live_server, page, results_dir):
    load_reference_regions(Region)  # a transactional test starts from an empty database
    world = build_world()
    orders = Orders(world)
    orders.completed(at(2026, 10, 9, 15))
    orders.completed(at(2026, 10, 13, 10), kind="mandatory")
    orders.received()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.get_by_label("用户名").fill("regulator_above")
    page.get_by_label("密码").fill("matrix-password-1")
    page.get_by_role("button", name="登录").click()
    page.locator(f"main a[href='{PAGE}']").first.click()  # the dashboard's, not the menu's

    expect(page.locator("#order-statistics tbody tr")).to_have_count(2)
    for chart in ("on_time", "kinds"):
        expect(page.locator(f".jl-chart[data-chart='{chart}'] canvas")).to_have_count(1)
    page.screenshot(path=results_dir / "order-statistics.png", full_page=True)
    assert problems == []


# An enterprise's orders on its 360° page ------------------------------------------------------


def test_an_enterprise_s_orders_on_its_360_page(world, scenario):
    users = scenario["users"]
    enterprise = world.enterprise

    def summary(who):
        return enterprise_summary(user=users[who], enterprise=enterprise, today=TODAY)

    own = summary("same_enterprise")
    assert own["counts"] == {"submitted": 8, "open": 2, "completed": 5, "overdue": 1}
    # Its members see the orders themselves, the draft among them, newest first.
    assert len(own["latest"]) == 5
    assert own["latest"][0].created >= own["latest"][-1].created
    # A bureau above counts them and sees none of them.
    above = summary("regulator_above")
    assert above == {"counts": own["counts"], "latest": []}
    # An institution counts and sees what was addressed to it.
    institution = summary("institution")
    assert institution["counts"] == {"submitted": 7, "open": 2, "completed": 4, "overdue": 1}
    assert {order.institution_id for order in institution["latest"]} == {
        world.organisations["institution"].pk
    }
    assert summary("second_institution")["counts"]["submitted"] == 1
    for outsider in ("other_enterprise", "sibling_regulator", "nobody"):
        assert summary(outsider) is None, outsider
    assert enterprise_summary(user=AnonymousUser(), enterprise=enterprise) is None


def test_the_360_page_shows_the_orders_panel(world, scenario, client):
    client.force_login(scenario["users"]["regulator_above"])
    html = client.get(world.enterprise.get_absolute_url()).content.decode()
    assert 'id="panel-orders-submitted">8<' in html
    assert 'id="panel-orders-latest"' not in html
    client.force_login(scenario["users"]["same_enterprise"])
    html = client.get(world.enterprise.get_absolute_url()).content.decode()
    assert html.count('class="list-group-item px-0') >= 5
