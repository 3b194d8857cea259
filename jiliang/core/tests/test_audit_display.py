"""The audit trail in words: event sentences, field labels, values and who acted."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from jiliang.accounts.services import user_create
from jiliang.core import audit
from jiliang.core.audit_display import EMPTY, Change, describe, event_label
from jiliang.core.models import AuditEvent
from jiliang.orgs.models import Region

pytestmark = pytest.mark.usefixtures("english")


def described(object_type="", action="test.thing.changed", actor=None, **changes):
    """One unsaved event, described."""
    event = AuditEvent(actor=actor, action=action, object_type=object_type, changes=changes)
    return describe([event])[0]


def changed(object_type, **changes) -> list[tuple[str, str, str]]:
    return [
        (change.label, change.old, change.new)
        for change in described(object_type, **changes).changed_fields
    ]


def test_a_registered_event_reads_as_its_sentence():
    event = described("orders.order", action="orders.order.complete")
    assert event.summary == "Order completed"


def test_an_unregistered_event_names_what_changed_not_its_code():
    assert event_label("orders.order.frobbed", AuditEvent) == "Other change to audit event"
    event = described("orders.order", action="orders.order.frobbed")
    assert event.summary == "Other change to order"
    assert event_label("orders.thing.done") == "Other change to Service orders"
    assert event_label("nowhere.thing.done") == "Other change to the platform"


def test_choices_read_as_their_labels():
    assert changed("orders.order", status=["in_service", "completed"]) == [
        ("Status", "Received, in progress", "Completed")
    ]


def test_booleans_read_yes_or_no():
    assert changed("orgs.organisation", is_active=[True, False]) == [("Active", "Yes", "No")]
    # As text, the way some services keep a result.
    assert changed("orgs.organisation", is_active=["False", "True"]) == [("Active", "No", "Yes")]


def test_dates_and_times_are_formatted():
    moment = timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 30, 15))
    assert changed(
        "orders.order",
        submitted_at=[None, moment.isoformat()],
        wished_from=["2026-03-01", "2026-03-05"],
    ) == [
        ("Submitted", EMPTY, "2026-03-02 09:30"),
        ("Wished from", "2026-03-01", "2026-03-05"),
    ]


@pytest.mark.django_db
def test_foreign_keys_read_as_the_objects_and_are_read_once(django_assert_num_queries):
    jinshui, kaifeng = Region.objects.get(code="410105"), Region.objects.get(code="410200")
    events = [
        AuditEvent(object_type="orgs.organisation", changes={"region": [jinshui.pk, kaifeng.pk]}),
        AuditEvent(object_type="orgs.organisation", changes={"region": [kaifeng.pk, 99999999]}),
    ]
    with django_assert_num_queries(1):
        first, second = describe(events)
    assert first.changed_fields == [Change("region", "Region", str(jinshui), str(kaifeng))]
    assert second.changed_fields[0].new == "#99999999"  # a region since removed


def test_a_stored_file_never_shows_where_the_storage_keeps_it():
    path = "certificates/2026/07/3f9c2a/abc123.pdf"
    assert changed("orders.orderitem", certificate=["", path]) == [
        ("Certificate", EMPTY, "file uploaded")
    ]
    assert changed("orders.orderitem", certificate=[path, "检定证书.pdf"]) == [
        ("Certificate", "earlier file", "file replaced: 检定证书.pdf")
    ]
    assert changed("orders.orderitem", certificate=[path, ""]) == [
        ("Certificate", "a file", "file removed")
    ]


def test_unchanged_fields_and_secrets_are_left_out():
    assert (
        changed(
            "instruments.instrument",
            name=["压力表", "压力表"],
            notes=[None, ""],
            password=["old", "new"],
            key_hash=["a", "b"],
        )
        == []
    )


def test_registered_labels_name_what_is_no_field_and_unknown_keys_stay_as_stored():
    assert changed("orders.order", instruments=[2, 3], A01=[None, 5]) == [
        ("Number of instruments", "2", "3"),
        ("A01", EMPTY, "5"),
    ]


def test_a_field_kept_by_name_only_reads_changed():
    assert changed("accounts.user", email="changed") == [("Email address", "", "changed")]


def test_lists_are_joined():
    assert changed("campaigns.campaign", indicators=[["A01"], ["A01", "B02"]]) == [
        ("Indicators", "A01", "A01、B02")
    ]


@pytest.mark.django_db
def test_the_operator_is_a_name_with_an_organisation_and_jobs_are_the_system(world):
    assert described().operator == "System"
    admin = world.users["same_enterprise"]
    admin.first_name = "伟"
    admin.last_name = "张"
    event = described(actor=admin)
    assert (event.operator, event.operator_organisation) == (
        admin.get_full_name(),
        "same_enterprise organisation",
    )
    staff = described(actor=world.users["platform_admin"])
    assert (staff.operator, staff.operator_organisation) == (
        "matrix-admin",
        "Platform administrator",
    )
    nobody = user_create(actor=None, username="nobody-yet", email="n@example.com")
    assert described(actor=nobody).operator_organisation == ""


def test_registering_a_label_twice_is_harmless_but_two_labels_are_an_error():
    label = audit.EVENT_TYPES["orders.order.complete"]
    audit.register_event_types({"orders.order.complete": label})
    with pytest.raises(ImproperlyConfigured):
        audit.register_event_types({"orders.order.complete": "Something else"})
