"""The organisation's audit log, page and API: events in words, the changed fields only, no
storage path, a readable operator, filters."""

import re

import pytest
from django.urls import reverse

from jiliang.core.models import AuditEvent
from jiliang.orgs import services
from jiliang.orgs.models import Membership

pytestmark = pytest.mark.django_db

STORED_AT = "certificates/2026/07/3f9c2a/abc123.pdf"


@pytest.fixture
def trail(world):
    """The world's enterprise after its admin changed the profile and a member's role, a
    certificate was generated and the reminders ran."""
    admin = world.users["same_enterprise"]
    admin.first_name, admin.last_name = "伟", "张"
    admin.save(update_fields=["first_name", "last_name"])
    services.organisation_update(
        actor=admin, organisation=world.enterprise, data={"size_class": "large", "industry": "C"}
    )
    viewer = Membership.objects.get(user=world.users["same_enterprise_viewer"])
    services.membership_change_role(actor=admin, membership=viewer, role="staff")
    AuditEvent.objects.create(
        actor=world.users["institution"],
        organisation=world.enterprise,
        action="orders.item.certificate_generated",
        object_type="orders.orderitem",
        object_id="1",
        object_repr="压力表",
        changes={"certificate": ["", STORED_AT]},
    )
    AuditEvent.objects.create(
        organisation=world.enterprise,
        action="notifications.reminders.sent",
        object_type="",
        object_id="",
        object_repr="提醒",
        changes={"sent": [None, 3]},
    )
    return world


def english_client(world, actor):
    client = world.client_for(actor)
    client.cookies["django_language"] = "en"  # the words as their msgids
    return client


def page(world, actor="same_enterprise", **query):
    url = reverse("orgs:audit_event_list", args=[world.enterprise.pk])
    return english_client(world, actor).get(url, query)


def text_without_titles(response) -> str:
    return re.sub(r'title="[^"]*"', "", response.content.decode())


def test_the_log_reads_in_words_with_only_what_changed(trail):
    response = page(trail)
    html = response.content.decode()
    for words in (
        "Organisation profile changed",
        "Size class</span>: Small → Large",
        "Member&#x27;s role changed",
        "Role</span>: Viewer → Staff",
        "Certificate generated",
        "Certificate</span>: — → file uploaded",
        "Member added",
        "Other change to Notifications and reminders",
    ):
        assert words in html, words
    assert "Industry</span>" not in html  # unchanged by the update
    assert STORED_AT not in html
    assert "certificates/" not in html
    shown = text_without_titles(response)
    for action in AuditEvent.objects.values_list("action", flat=True):
        assert action not in shown  # the code is only the tooltip
    assert 'title="orgs.membership.updated"' in html


def test_the_operator_is_named_with_their_organisation_and_jobs_are_the_system(trail):
    html = page(trail).content.decode()
    assert "张伟" in html or "伟 张" in html
    assert "same_enterprise organisation" in html
    assert "institution organisation" in html
    assert "System" in html
    assert "Platform administrator" in html  # the world's builder


def test_the_log_filters_by_kind_operator_and_day(trail):
    def events(**query):
        return {e.action for e in page(trail, **query).context["object_list"]}

    assert events(group="orders") == {"orders.item.certificate_generated"}
    assert events(operator="system") == {"notifications.reminders.sent"}
    admin = trail.users["same_enterprise"]
    assert events(operator=str(admin.pk)) == {
        "orgs.organisation.updated",
        "orgs.membership.updated",
    }
    assert events(since="2999-01-01") == set()
    assert events(until="2999-01-01") == events()
    form = page(trail).context["filter_form"]
    assert ("orders", "Service orders") in form.fields["group"].choices
    assert (str(admin.pk), str(admin)) in form.fields["operator"].choices


def test_the_pages_keep_the_filter(trail, django_assert_max_num_queries):
    for _ in range(30):
        AuditEvent.objects.create(
            actor=trail.users["same_enterprise"],
            organisation=trail.enterprise,
            action="orgs.organisation.updated",
            object_type="orgs.organisation",
            object_id=str(trail.enterprise.pk),
            object_repr="企业",
            changes={"region": [trail.regions["410105"].pk, trail.regions["410200"].pk]},
        )
    client = english_client(trail, "same_enterprise")
    url = reverse("orgs:audit_event_list", args=[trail.enterprise.pk])
    with django_assert_max_num_queries(14):  # not one a row
        response = client.get(url, {"group": "orgs"})
    assert "group=orgs&amp;page=2" in response.content.decode()
    assert f"Region</span>: {trail.regions['410105']} → {trail.regions['410200']}" in (
        response.content.decode()
    )


def test_other_members_may_not_read_the_log(trail):
    assert page(trail, "same_enterprise_viewer").status_code == 403
    assert page(trail, "regulator_above").status_code == 403


def test_the_api_gives_the_words_next_to_the_codes(trail):
    client = trail.client_for("same_enterprise", api=True)
    client.cookies["django_language"] = "en"
    url = f"/api/v1/organisations/{trail.enterprise.pk}/audit-events"
    items = client.get(url).json()["items"]
    by_action = {item["action"]: item for item in items}
    updated = by_action["orgs.organisation.updated"]
    assert updated["summary"] == "Organisation profile changed"
    assert updated["operator_organisation"] == "same_enterprise organisation"
    assert updated["changes"]["size_class"] == ["small", "large"]  # as stored
    assert {"field": "size_class", "label": "Size class", "old": "Small", "new": "Large"} in (
        updated["changed_fields"]
    )
    certificate = by_action["orders.item.certificate_generated"]
    assert certificate["changed_fields"] == [
        {"field": "certificate", "label": "Certificate", "old": "—", "new": "file uploaded"}
    ]
    assert by_action["notifications.reminders.sent"]["operator"] == "System"
    filtered = client.get(url, {"group": "orders"}).json()
    assert [item["action"] for item in filtered["items"]] == ["orders.item.certificate_generated"]
    assert client.get(url, {"operator": "nobody"}).status_code == 422
