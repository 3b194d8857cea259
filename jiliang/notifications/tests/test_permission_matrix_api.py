"""Every notification and reminder endpoint against the permission matrix.

A user's inbox, preferences and calendar feed are their own: every signed-in actor gets an
answer about themselves, and nobody reaches another user's message (404, platform
administrators included). An organisation's reminder settings are for its administrators and
staff (administrators change them), its reminder problems for its administrators: members
without those roles and regulators above it see the organisation and are told no (403); everyone
else gets 404.
"""

import pytest

from jiliang.core.testing.matrix import SIGNED_IN_ACTORS, MatrixCase, check, matrix_params
from jiliang.notifications import services
from jiliang.notifications.models import DepartmentContact, Notification

ANONYMOUS = {"anonymous": 401}
SIGNED_IN = dict.fromkeys(SIGNED_IN_ACTORS, 200)
# The enterprise's administrator and the platform administrator manage its reminders; its
# viewer and the regulator above it see the organisation and are refused.
REFUSED = {"same_enterprise_viewer": 403, "regulator_above": 403}


def managers(status):
    return {**ANONYMOUS, **REFUSED, "same_enterprise": status, "platform_admin": status}


def enterprise_query(path):
    return lambda world: f"/api/v1{path}?organisation={world.enterprise.pk}"


def message(world):
    """A message in the enterprise administrator's inbox."""
    notification = Notification.objects.filter(title="matrix").first()
    if notification is None:
        services.notify(
            recipients=[world.users["same_enterprise"]],
            kind="test",
            title="matrix",
            organisation=world.enterprise,
        )
        notification = Notification.objects.get(title="matrix")
    return notification


def contact(world):
    """The enterprise viewer as the contact of its 质检部."""
    return DepartmentContact.objects.get_or_create(
        organisation=world.enterprise,
        department="质检部",
        user=world.users["same_enterprise_viewer"],
    )[0]


def with_message(path):
    """``path``, with an unread message in the enterprise administrator's inbox."""

    def url(world):
        message(world)
        return path

    return url


def case(name, method, url, expected, data=None):
    return MatrixCase(name, method, url, expected, data=data, api=True)


POLICY = {
    "offsets": [45, 7],
    "weekly_when_overdue": False,
    "to_custodian": True,
    "to_department_contacts": True,
    "to_managers": False,
}


@pytest.fixture
def world(matrix_world):
    """The matrix world, built once for the module's tests."""
    return matrix_world


CASES = [
    case("inbox", "get", lambda w: "/api/v1/notifications", {**ANONYMOUS, **SIGNED_IN}),
    case(
        "inbox-unread",
        "get",
        lambda w: "/api/v1/notifications?unread=true",
        {**ANONYMOUS, **SIGNED_IN},
    ),
    case(
        "unread-count",
        "get",
        lambda w: "/api/v1/notifications/unread-count",
        {**ANONYMOUS, **SIGNED_IN},
    ),
    case(
        "mark-read",
        "post",
        lambda w: f"/api/v1/notifications/{message(w).pk}/read",
        # Only the recipient: another user's message does not exist for you.
        {**ANONYMOUS, "same_enterprise": 200},
    ),
    case(
        "read-all",
        "post",
        with_message("/api/v1/notifications/read-all"),
        {**ANONYMOUS, **SIGNED_IN},
    ),
    case(
        "preferences",
        "get",
        lambda w: "/api/v1/notification-preferences",
        {**ANONYMOUS, **SIGNED_IN},
    ),
    case(
        "preferences-update",
        "put",
        lambda w: "/api/v1/notification-preferences",
        {**ANONYMOUS, **SIGNED_IN},
        lambda w: {"by_email": False, "in_app": True, "mute_reminders": True},
    ),
    case(
        "calendar-feed-renew",
        "post",
        lambda w: "/api/v1/calendar-feed",
        {**ANONYMOUS, **dict.fromkeys(SIGNED_IN_ACTORS, 201)},
    ),
    case(
        "calendar-feed-revoke",
        "delete",
        lambda w: "/api/v1/calendar-feed",
        {**ANONYMOUS, **dict.fromkeys(SIGNED_IN_ACTORS, 204)},
    ),
    case("reminder-settings", "get", enterprise_query("/reminder-settings"), managers(200)),
    case(
        "reminder-settings-own",
        "get",
        lambda w: "/api/v1/reminder-settings",
        # Each matrix organisation's administrator manages exactly one organisation: their
        # own. The viewer manages none, the platform administrator is a member of none.
        {**ANONYMOUS, **SIGNED_IN, "same_enterprise_viewer": 400, "platform_admin": 400},
    ),
    case(
        "reminder-settings-update",
        "put",
        enterprise_query("/reminder-settings"),
        managers(200),
        lambda w: POLICY,
    ),
    case(
        "contact-add",
        "post",
        enterprise_query("/reminder-settings/contacts"),
        managers(201),
        lambda w: {"department": "动力科", "user": w.users["same_enterprise_viewer"].pk},
    ),
    case(
        "contact-remove",
        "delete",
        lambda w: f"/api/v1/reminder-settings/contacts/{contact(w).pk}",
        # The viewer sees the organisation but not its contacts: 404, as for outsiders.
        {**ANONYMOUS, "same_enterprise": 204, "platform_admin": 204},
    ),
    case("reminder-problems", "get", enterprise_query("/reminder-problems"), managers(200)),
]


@pytest.mark.parametrize(("case", "actor"), matrix_params(CASES))
def test_permission_matrix(world, case, actor):
    check(world, case, actor)


@pytest.mark.parametrize(
    "actor", [actor for actor in SIGNED_IN_ACTORS if actor != "same_enterprise"]
)
def test_read_all_leaves_other_inboxes_alone(world, actor):
    notification = message(world)
    response = world.client_for(actor, api=True).post("/api/v1/notifications/read-all")
    assert response.json() == {"marked": 0}
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize("actor", SIGNED_IN_ACTORS)
def test_sessions_get_the_same_answers_as_tokens(world, actor):
    """A signed-in browser reaches the endpoints with its session cookie too."""
    client = world.client_for(actor)
    assert client.get("/api/v1/notifications").status_code == 200
    settings_case = next(case for case in CASES if case.name == "reminder-settings")
    response = client.get(settings_case.url(world))
    assert response.status_code == settings_case.status_for(actor)
