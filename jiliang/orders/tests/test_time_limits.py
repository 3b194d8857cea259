"""An institution's time limits: its administrators set them on a page and by API, its other
members read them, anyone else does not see them; each change is audited and applies to the
orders whose clock starts afterwards."""

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from jiliang.accounts.services import token_create, user_create
from jiliang.core.models import AuditEvent
from jiliang.instruments.tests.conftest import add_instrument
from jiliang.orders import services
from jiliang.orders.choices import OrderKind
from jiliang.orders.models import TimeLimit
from jiliang.orders.tests.test_services import new_order
from jiliang.orgs import services as org_services
from jiliang.orgs.demo import demo_uscc

pytestmark = pytest.mark.usefixtures("english")

ROWS = len(OrderKind.values) * 2  # every kind, normal and green channel


def member(world, username, role, organisation=None):
    """A member of the institution (or of ``organisation``) with ``role``."""
    user = user_create(
        actor=world.users["platform_admin"],
        username=username,
        email=f"{username}@example.com",
        password="a-Member-Password-77",
    )
    org_services.membership_add(
        actor=world.users["platform_admin"],
        organisation=organisation or world.organisations["institution"],
        user=user,
        role=role,
    )
    return user


def second_institution(world):
    return org_services.organisation_create(
        actor=world.users["platform_admin"],
        kind="institution",
        name="开封市计量测试所",
        uscc=demo_uscc("12", "410200", 990),
        region=world.regions["410200"],
    )


def snapshot():
    return (
        list(TimeLimit.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


# The service's rule of who may set them -----------------------------------------------------


def test_only_the_institution_s_administrators_set_its_time_limits(world):
    institution = world.organisations["institution"]
    staff = member(world, "clerk", "staff")
    viewer = member(world, "reader", "viewer")
    allowed = {
        actor: services.may_set_time_limits(world.users[actor], institution)
        for actor in ("institution", "platform_admin", "same_enterprise", "regulator_above")
    }
    assert allowed == {
        "institution": True,
        "platform_admin": True,
        "same_enterprise": False,
        "regulator_above": False,
    }
    for user in (staff, viewer):
        assert not services.may_set_time_limits(user, institution)
        with pytest.raises(PermissionDenied):
            services.time_limit_set(
                actor=user,
                institution=institution,
                kind="verification",
                green_channel=False,
                working_days=7,
            )
    assert not TimeLimit.objects.exists()


def test_a_new_limit_applies_to_orders_received_afterwards(world):
    first = new_order(world)
    services.order_submit(actor=world.users["same_enterprise"], order=first)
    services.order_accept(actor=world.users["institution"], order=first, today=date(2026, 9, 28))
    first = services.order_receive(
        actor=world.users["institution"], order=first, today=date(2026, 9, 28)
    )
    client = client_for(world, "institution")
    client.post(page(world), {"kind": "calibration", "green_channel": "True", "working_days": "2"})
    first.refresh_from_db()
    assert (first.time_limit_days, first.deadline) == (5, date(2026, 10, 10))  # kept
    second = new_order(world, instruments=[add_instrument(world, management_number="JL-2")])
    services.order_submit(actor=world.users["same_enterprise"], order=second)
    services.order_accept(actor=world.users["institution"], order=second, today=date(2026, 9, 28))
    second = services.order_receive(
        actor=world.users["institution"], order=second, today=date(2026, 9, 28)
    )
    # 2 working days after Monday 28 September 2026: the 29th and the 30th.
    assert (second.time_limit_days, second.deadline) == (2, date(2026, 9, 30))


# The page ---------------------------------------------------------------------------------------


def client_for(world, actor_or_user):
    user = world.users.get(actor_or_user) if isinstance(actor_or_user, str) else actor_or_user
    client = world.client_for("anonymous")
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def page(world, institution=None):
    institution = institution or world.organisations["institution"]
    return f"{reverse('orders:time_limits')}?institution={institution.pk}"


def rows(response):
    return {(row["kind"], row["green_channel"]): row for row in response.context["rows"]}


def test_the_administrator_sees_every_limit_and_changes_one(world):
    client = client_for(world, "institution")
    response = client.get(reverse("orders:time_limits"))  # one institution: no need to say
    assert response.status_code == 200
    table = rows(response)
    assert len(table) == ROWS
    assert all(row["form"] is not None for row in table.values())
    assert (
        table[("verification", True)]["working_days"],
        table[("standard", True)]["default_days"],
    ) == (5, 20)
    response = client.post(
        page(world), {"kind": "verification", "green_channel": "True", "working_days": "3"}
    )
    assert response.status_code == 302
    assert response.url == page(world) + "#limit-verification-green"
    limit = TimeLimit.objects.get()
    assert (limit.kind, limit.green_channel, limit.working_days) == ("verification", True, 3)
    event = AuditEvent.objects.get(action="orders.time_limit.set")
    assert (event.organisation_id, event.changes) == (
        world.organisations["institution"].pk,
        {"working_days": [None, 3]},
    )
    shown = client.get(response.url)
    row = rows(shown)[("verification", True)]
    assert (row["working_days"], row["default_days"], row["is_default"]) == (3, 5, False)
    assert row["form"]["working_days"].value() == 3
    assert "The time limit was saved." in shown.content.decode()
    # The normal channel of the same kind is untouched.
    assert rows(shown)[("verification", False)]["is_default"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "Ensure this value is greater than or equal to 1."),
        ("251", "Ensure this value is less than or equal to 250."),
        ("-4", "Ensure this value is greater than or equal to 1."),
        ("zehn", "Enter a whole number."),
    ],
)
def test_a_bad_number_of_days_is_explained_next_to_its_field(world, value, message):
    client = client_for(world, "institution")
    before = snapshot()
    response = client.post(
        page(world), {"kind": "calibration", "green_channel": "False", "working_days": value}
    )
    assert response.status_code == 400
    assert snapshot() == before
    form = rows(response)[("calibration", False)]["form"]
    assert message in form.errors["working_days"]
    html = response.content.decode()
    # On the row of the limit, under its field; the other rows' forms are fresh.
    row_html = html.split('id="limit-calibration-normal"')[1].split("</tr>")[0]
    assert message in row_html
    assert 'aria-invalid="true"' in row_html
    assert html.count('aria-invalid="true"') == 1


def test_an_own_limit_goes_back_to_the_default(world):
    institution = world.organisations["institution"]
    for kind in ("testing", "pattern"):
        services.time_limit_set(
            actor=world.users["institution"],
            institution=institution,
            kind=kind,
            green_channel=False,
            working_days=8,
        )
    client = client_for(world, "institution")
    assert "Use the default" in client.get(page(world)).content.decode()
    client.post(
        page(world),
        {"kind": "testing", "green_channel": "False", "working_days": "8", "use_default": "1"},
    )
    client.post(page(world), {"kind": "pattern", "green_channel": "False", "working_days": ""})
    assert not TimeLimit.objects.exists()
    assert (
        AuditEvent.objects.filter(
            action="orders.time_limit.set", changes={"working_days": [8, None]}
        ).count()
        == 2
    )


def test_a_tampered_kind_is_refused_without_changing_anything(world):
    client = client_for(world, "institution")
    before = snapshot()
    response = client.post(
        page(world), {"kind": "haircut", "green_channel": "False", "working_days": "3"}
    )
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_other_members_read_the_limits_and_may_not_change_them(world, role):
    services.time_limit_set(
        actor=world.users["institution"],
        institution=world.organisations["institution"],
        kind="calibration",
        green_channel=False,
        working_days=12,
    )
    client = client_for(world, member(world, "someone", role))
    response = client.get(page(world))
    assert response.status_code == 200
    assert not response.context["can_edit"]
    assert all(row["form"] is None for row in response.context["rows"])
    html = response.content.decode()
    assert 'name="working_days"' not in html
    assert "The institution's administrators set its time limits." in html
    assert rows(response)[("calibration", False)]["working_days"] == 12
    before = snapshot()
    refused = client.post(
        page(world), {"kind": "calibration", "green_channel": "False", "working_days": "3"}
    )
    assert refused.status_code == 403
    assert snapshot() == before


def test_a_member_of_two_institutions_chooses_and_outsiders_see_nothing(world):
    second = second_institution(world)
    admin = world.users["institution"]
    org_services.membership_add(
        actor=world.users["platform_admin"], organisation=second, user=admin, role="viewer"
    )
    client = client_for(world, "institution")
    first_page = client.get(reverse("orders:time_limits"))
    assert 'name="institution"' in first_page.content.decode()  # the chooser
    chosen = client.get(page(world, second))
    assert chosen.context["institution"] == second
    assert not chosen.context["can_edit"]  # a viewer there
    assert client.get(page(world)).context["can_edit"]
    for query in (f"?institution={world.enterprise.pk}", "?institution=abc", "?institution=99999"):
        assert client.get(reverse("orders:time_limits") + query).status_code == 404
    before = snapshot()
    refused = client.post(
        page(world, second), {"kind": "calibration", "green_channel": "False", "working_days": "3"}
    )
    assert refused.status_code == 403
    for outsider in ("same_enterprise", "regulator_above", "other_enterprise"):
        outside = client_for(world, outsider)
        assert outside.get(page(world)).status_code == 404
        assert (
            outside.post(
                page(world),
                {"kind": "calibration", "green_channel": "False", "working_days": "3"},
            ).status_code
            == 404
        )
    assert snapshot() == before


def test_the_queue_links_to_the_time_limits(world):
    html = client_for(world, "institution").get(reverse("orders:queue")).content.decode()
    assert page(world) in html.replace("&amp;", "&")


# The API ----------------------------------------------------------------------------------------


def api(world, actor="institution"):
    client = world.client_for(actor, api=True)
    client.cookies["django_language"] = "en"
    return client


def put(client, body):
    return client.put(
        "/api/v1/orders/time-limits", data=json.dumps(body), content_type="application/json"
    )


def test_the_time_limits_by_api(world):
    institution = world.organisations["institution"]
    listed = api(world).get(f"/api/v1/orders/time-limits?institution={institution.pk}")
    assert listed.status_code == 200
    table = {(row["kind"], row["green_channel"]): row for row in listed.json()}
    assert len(table) == ROWS
    assert table[("mandatory", True)] == {
        "kind": "mandatory",
        "green_channel": True,
        "working_days": 5,
        "default_days": 5,
        "is_default": True,
    }
    changed = put(
        api(world),
        {
            "institution": institution.pk,
            "kind": "mandatory",
            "green_channel": True,
            "working_days": 3,
        },
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json() == {
        "kind": "mandatory",
        "green_channel": True,
        "working_days": 3,
        "default_days": 5,
        "is_default": False,
    }
    # A member of one institution may leave it out.
    again = api(world).get("/api/v1/orders/time-limits").json()
    assert {(row["kind"], row["green_channel"]): row for row in again}[("mandatory", True)][
        "working_days"
    ] == 3
    reset = put(api(world), {"kind": "mandatory", "green_channel": True, "working_days": None})
    assert reset.json()["is_default"] is True
    assert not TimeLimit.objects.exists()
    assert AuditEvent.objects.filter(action="orders.time_limit.set").count() == 2


def test_bad_time_limits_by_api_name_the_field_and_change_nothing(world):
    institution = world.organisations["institution"]
    staff = member(world, "clerk", "staff")
    _, staff_token = token_create(actor=staff, user=staff, name="t")
    before = snapshot()
    body = {"institution": institution.pk, "kind": "testing", "green_channel": False}
    zero = put(api(world), {**body, "working_days": 0})
    assert zero.status_code == 400
    assert [error["field"] for error in zero.json()["errors"]] == ["working_days"]
    assert put(api(world), {**body, "kind": "haircut", "working_days": 3}).status_code == 422
    assert put(api(world), {**body}).status_code == 422  # working_days must be said, even null
    enterprise = {**body, "institution": world.enterprise.pk, "working_days": 3}
    assert put(api(world, "same_enterprise"), enterprise).status_code == 400  # not an institution
    assert put(api(world, "same_enterprise"), {**body, "working_days": 3}).status_code == 404
    as_staff = Client(headers={"authorization": f"Bearer {staff_token}"})
    assert put(as_staff, {**body, "working_days": 3}).status_code == 403
    assert as_staff.get("/api/v1/orders/time-limits").status_code == 200  # staff read them
    assert snapshot() == before
