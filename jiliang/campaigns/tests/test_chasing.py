"""Regions late to report and chasing them (催报): who is late, the reminder and its record, the
once-a-day limit (also for two clicks at once, on both databases), the approvals page with its
filters, and the endpoints.

The ``campaign`` fixture is of 2020: every deadline has passed. 郑州市's bureau has 中原区 and
金水区 reporting to it; the province has 郑州市 and 开封市 (巩义市 has no bureau: never late)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from jiliang.campaigns import lateness, services
from jiliang.campaigns.models import Chase
from jiliang.campaigns.tests.conftest import second_staff
from jiliang.campaigns.tests.test_views import client_for, messages_of, page, text_of
from jiliang.core.models import AuditEvent
from jiliang.core.testing.threads import in_threads
from jiliang.notifications.models import Email, Notification

pytestmark = pytest.mark.usefixtures("english")
MONTHS = [f"2020-{month:02d}" for month in range(1, 13)]


def submit(bureaus, campaign, name, period):
    return services.report_submit(
        actor=bureaus.users[name], campaign=campaign, region=bureaus.regions[name], period=period
    )


def chase(bureaus, campaign, by, name, period="2020-03"):
    return services.report_chase(
        actor=bureaus.users[by], campaign=campaign, region=bureaus.regions[name], period=period
    )


def late_of(bureaus, campaign, user, **filters):
    return [
        (entry.region.name, entry.period.key, entry.status)
        for entry in lateness.late_reports(
            user=bureaus.users[user], campaign=campaign, today=timezone.localdate(), **filters
        )
    ]


# Who is late -----------------------------------------------------------------------------------


def test_late_regions_are_the_children_whose_report_is_not_in(bureaus, campaign):
    zhengzhou = bureaus.users["zhengzhou"]
    for period in MONTHS[:-1]:
        services.report_approve(
            actor=zhengzhou, report=submit(bureaus, campaign, "jinshui", period)
        )
    submit(bureaus, campaign, "zhongyuan", "2020-01")  # waiting: in, not late
    returned = submit(bureaus, campaign, "zhongyuan", "2020-02")
    services.report_return(actor=zhengzhou, report=returned, reason="请核对")

    late = late_of(bureaus, campaign, "zhengzhou")
    assert ("中原区", "2020-01", "submitted") not in late
    assert ("中原区", "2020-02", "returned") in late
    assert ("中原区", "2020-03", "open") in late
    assert [row for row in late if row[0] == "金水区"] == [("金水区", "2020-12", "open")]
    assert len(late) == 11 + 1
    # Filters: a period, a region (and those below it).
    assert late_of(bureaus, campaign, "zhengzhou", period="2020-02") == [
        ("中原区", "2020-02", "returned")
    ]
    assert late_of(
        bureaus, campaign, "zhengzhou", region=bureaus.regions["jinshui"], period="2020-12"
    ) == [("金水区", "2020-12", "open")]
    # The province chases its own children only (巩义市 has no bureau); a county nobody.
    assert {row[0] for row in late_of(bureaus, campaign, "province")} == {"郑州市", "开封市"}
    assert late_of(bureaus, campaign, "jinshui") == []
    assert late_of(bureaus, campaign, "viewer") == []  # a viewer acts for no bureau


def test_nobody_is_late_before_the_deadline(bureaus, campaign):
    def late_on(day):
        return [
            (entry.region.name, entry.period.key)
            for entry in lateness.late_reports(
                user=bureaus.users["zhengzhou"], campaign=campaign, today=day
            )
        ]

    assert late_on(date(2020, 2, 10)) == []  # January's deadline
    assert late_on(date(2020, 2, 11)) == [("中原区", "2020-01"), ("金水区", "2020-01")]


# Chasing ----------------------------------------------------------------------------------------


def test_a_chase_notifies_the_late_bureau_and_is_recorded(bureaus, campaign, mailoutbox):
    found = chase(bureaus, campaign, "zhengzhou", "jinshui")
    assert (found.region, found.period, found.chased_by) == (
        bureaus.regions["jinshui"],
        "2020-03",
        bureaus.users["zhengzhou"],
    )
    assert found.day == timezone.localdate()
    assert found.notified == 1
    told = Notification.objects.get(recipient=bureaus.users["jinshui"])
    assert "金水区" in told.title
    assert "late" in told.title
    assert "2020-04-10" in told.body  # March's deadline
    assert told.url == page("figures", campaign, region=bureaus.regions["jinshui"].pk) + (
        "&period=2020-03"
    )
    assert Email.objects.filter(recipient=bureaus.users["jinshui"]).exists()
    assert not Notification.objects.exclude(recipient=bureaus.users["jinshui"]).exists()
    event = AuditEvent.objects.get(action="campaigns.chase.created")
    assert event.actor == bureaus.users["zhengzhou"]
    assert event.organisation == bureaus.organisations["zhengzhou"]
    [entry] = lateness.late_reports(
        user=bureaus.users["zhengzhou"],
        campaign=campaign,
        today=timezone.localdate(),
        period="2020-03",
        region=bureaus.regions["jinshui"],
    )
    assert (entry.chases, entry.last_chased) == (1, found.chased_at)


def test_a_region_is_chased_once_a_day_per_period(bureaus, campaign):
    chase(bureaus, campaign, "zhengzhou", "jinshui")
    with pytest.raises(ValidationError, match="already reminded today of its report for 2020-03"):
        chase(bureaus, campaign, "zhengzhou", "jinshui")
    chase(bureaus, campaign, "zhengzhou", "jinshui", period="2020-04")  # another period
    Chase.objects.update(day=timezone.localdate() - timedelta(days=1))  # yesterday's
    chase(bureaus, campaign, "zhengzhou", "jinshui")
    assert Chase.objects.filter(period="2020-03").count() == 2
    assert Notification.objects.count() == 3
    assert AuditEvent.objects.filter(action="campaigns.chase.created").count() == 3


@pytest.mark.parametrize(
    ("by", "name", "period", "error"),
    [
        ("province", "jinshui", "2020-03", PermissionDenied),  # sees it, not its bureau above
        ("jinshui", "jinshui", "2020-03", PermissionDenied),
        ("viewer", "zhengzhou", "2020-03", PermissionDenied),
        ("kaifeng", "jinshui", "2020-03", Http404),  # another city's county
        ("zhengzhou", "jinshui", "total", ValidationError),
        ("zhengzhou", "jinshui", "2021-03", ValidationError),
    ],
)
def test_only_the_bureau_above_chases(bureaus, campaign, by, name, period, error):
    with pytest.raises(error):
        chase(bureaus, campaign, by, name, period)
    assert not Chase.objects.exists()
    assert not Notification.objects.exists()


def test_a_region_that_reported_is_not_chased(bureaus, campaign):
    submit(bureaus, campaign, "jinshui", "2020-03")
    Notification.objects.all().delete()
    with pytest.raises(ValidationError, match="not late"):
        chase(bureaus, campaign, "zhengzhou", "jinshui")
    assert not Chase.objects.exists()
    assert not Notification.objects.exists()


def test_chasing_all_sends_one_message_per_region_and_skips_those_chased_today(bureaus, campaign):
    chase(bureaus, campaign, "zhengzhou", "jinshui", period="2020-05")
    Notification.objects.all().delete()
    outcome = services.reports_chase_late(
        actor=bureaus.users["zhengzhou"], campaign=campaign, period=None
    )
    assert len(outcome.chased) == 2 * 12 - 1
    assert [(entry.region.name, entry.period.key) for entry in outcome.skipped] == [
        ("金水区", "2020-05")
    ]
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == [
        "bureau-jinshui",
        "bureau-zhongyuan",
    ]
    again = services.reports_chase_late(
        actor=bureaus.users["zhengzhou"], campaign=campaign, period="2020-06"
    )
    assert again.chased == []
    assert len(again.skipped) == 2


def test_two_chases_at_once_record_one(shared_bureaus):
    bureaus = shared_bureaus
    campaign = services.campaign_create(
        actor=bureaus.users["province"],
        organiser=bureaus.organisations["province"],
        name="并发催报",
        year=2020,
        period_type="monthly",
    )
    second = second_staff(bureaus, "zhengzhou")
    chasers = [bureaus.users["zhengzhou"], second]

    def chase():
        with translation.override("en"):  # each thread has its own language
            services.report_chase(
                actor=chasers.pop(),
                campaign=campaign,
                region=bureaus.regions["jinshui"],
                period="2020-03",
            )

    errors = in_threads(2, chase)
    assert len(errors) == 1
    assert errors[0].startswith("ValidationError")
    assert "already reminded today" in errors[0]
    assert Chase.objects.count() == 1
    assert Notification.objects.filter(recipient=bureaus.users["jinshui"]).count() == 1
    assert AuditEvent.objects.filter(action="campaigns.chase.created").count() == 1


# The approvals page -----------------------------------------------------------------------------


def approvals(bureaus, campaign, user="zhengzhou", **params):
    return client_for(bureaus, user).get(page("approvals", campaign, **params))


def test_the_approvals_page_lists_waiting_returned_late_and_approved(bureaus, campaign):
    zhengzhou = bureaus.users["zhengzhou"]
    submit(bureaus, campaign, "jinshui", "2020-01")
    returned = submit(bureaus, campaign, "zhongyuan", "2020-02")
    services.report_return(actor=zhengzhou, report=returned, reason="台账不一致")
    services.report_approve(
        actor=zhengzhou, report=submit(bureaus, campaign, "zhongyuan", "2020-01")
    )
    chase(bureaus, campaign, "zhengzhou", "jinshui", period="2020-02")

    response = approvals(bureaus, campaign)
    assert response.status_code == 200
    sections = response.context["sections"]
    assert list(sections) == ["submitted", "returned", "late", "approved"]
    assert [(r.region.name, r.period) for r in sections["submitted"]] == [("金水区", "2020-01")]
    assert [(r.region.name, r.period) for r in sections["returned"]] == [("中原区", "2020-02")]
    assert [(r.region.name, r.period) for r in sections["approved"]] == [("中原区", "2020-01")]
    assert len(sections["late"]) == 11 + 11
    text = text_of(response)
    assert "台账不一致" in text
    assert "Chased once, last" in text
    assert "Reminded today" in text
    html = response.content.decode()
    assert 'id="chase-all"' in html
    assert 'id="regions-late"' in html


def test_the_approvals_page_filters_by_status_period_and_region(bureaus, campaign):
    late = approvals(bureaus, campaign, status="late", period="2020-03")
    assert list(late.context["sections"]) == ["late"]
    assert [(e.region.name, e.period.key) for e in late.context["sections"]["late"]] == [
        ("中原区", "2020-03"),
        ("金水区", "2020-03"),
    ]
    jinshui = approvals(
        bureaus, campaign, status="late", period="2020-03", region=bureaus.regions["jinshui"].pk
    )
    assert [e.region.name for e in jinshui.context["sections"]["late"]] == ["金水区"]
    assert approvals(bureaus, campaign, status="nonsense").status_code == 400
    assert approvals(bureaus, campaign, period="2021-01").status_code == 400
    # A region outside the bureau's view is not found.
    assert approvals(bureaus, campaign, region=bureaus.regions["kaifeng"].pk).status_code == 404


def test_the_approvals_page_of_a_county_lists_nobody_late(bureaus, campaign):
    response = approvals(bureaus, campaign, user="jinshui", status="late")
    assert response.context["sections"]["late"] == []
    assert "No region is late to report to you." in text_of(response)


def test_chasing_from_the_page(bureaus, campaign):
    client = client_for(bureaus, "zhengzhou")
    url = page("chase", campaign)
    data = {"region": bureaus.regions["jinshui"].pk, "period": "2020-03"}
    response = client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == page(
        "approvals", campaign, status="late", period="2020-03"
    )
    assert messages_of(response) == ["The bureau of 金水区 was reminded of its report for 2020-03."]
    again = client.post(url, data, follow=True)
    assert "already reminded today" in messages_of(again)[0]
    assert Chase.objects.count() == 1
    every = client.post(url, {"period": "2020-03"}, follow=True)
    assert messages_of(every)[0] == "1 region late to report was reminded."
    assert Chase.objects.count() == 2
    assert client.post(url, {"region": "x"}).status_code == 400
    # Not the bureau above 金水区: refused.
    province = client_for(bureaus, "province").post(url, {**data, "period": "2020-04"})
    assert province.status_code == 403
    assert client_for(bureaus, "kaifeng").post(url, data).status_code == 404
    assert Chase.objects.count() == 2


def test_the_dashboard_to_do_opens_the_late_regions(bureaus, campaign):
    response = client_for(bureaus, "zhengzhou").get(reverse("core:dashboard"))
    url = page("approvals", campaign, region=bureaus.regions["zhengzhou"].pk, status="late")
    assert url.replace("&", "&amp;") in response.content.decode()


# The API ----------------------------------------------------------------------------------------


def api_client(bureaus, name):
    client = client_for(bureaus, name)
    return client


def test_the_api_lists_the_late_regions_and_chases_them(bureaus, campaign):
    client = api_client(bureaus, "zhengzhou")
    base = f"/api/v1/campaigns/{campaign.pk}/late-reports"
    listed = client.get(base, {"period": "2020-03"})
    assert listed.status_code == 200
    assert [(row["region"]["name"], row["period"], row["chases"]) for row in listed.json()] == [
        ("中原区", "2020-03", 0),
        ("金水区", "2020-03", 0),
    ]
    data = {"region": bureaus.regions["jinshui"].pk, "period": "2020-03"}
    chased = client.post(f"{base}/chase", data, content_type="application/json")
    assert chased.status_code == 200
    assert chased.json()["region"]["name"] == "金水区"
    assert chased.json()["notified"] == 1
    again = client.post(f"{base}/chase", data, content_type="application/json")
    assert again.status_code == 409
    assert "already reminded today" in again.json()["detail"]
    row = client.get(base, {"period": "2020-03", "region": data["region"]}).json()[0]
    assert row["chases"] == 1
    assert row["last_chased"]
    every = client.post(f"{base}/chase-all", {"period": "2020-03"}, content_type="application/json")
    assert every.status_code == 200
    assert (len(every.json()["chased"]), len(every.json()["skipped"])) == (1, 1)
    assert client.get(base, {"period": "total"}).status_code == 400
    bad = client.post(
        f"{base}/chase", {**data, "period": "2020-13"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "period"
