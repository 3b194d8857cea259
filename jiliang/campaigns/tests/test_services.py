"""Campaign services: who may do what (404 unseen, 403 seen but not theirs), bad input refused
with a clear message and nothing changed, quotas and their warnings, the approval chain with
its locks, notifications, audit events, and two approvers at once."""

from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from jiliang.accounts.services import user_create
from jiliang.campaigns import rollup, services
from jiliang.campaigns.models import Campaign, EnteredValue, Figure, Indicator, Quota, Report
from jiliang.campaigns.spreadsheets import QuotaRow
from jiliang.campaigns.tests.conftest import second_staff
from jiliang.core.models import AuditEvent
from jiliang.core.testing.threads import in_threads
from jiliang.notifications.models import Notification

pytestmark = pytest.mark.usefixtures("english")

REFUSED = {404: Http404, 403: PermissionDenied, 400: ValidationError}


def state(campaign):
    """Everything a refused call must leave as it was."""
    return {
        "figures": rollup.stored(campaign),
        "values": sorted(
            EnteredValue.objects.filter(campaign=campaign).values_list(
                "region_id", "period", "indicator_id", "value", "note"
            )
        ),
        "quotas": sorted(
            Quota.objects.filter(campaign=campaign).values_list(
                "region_id", "smes_to_help", "smes_for_mms_training", "note"
            )
        ),
        "reports": sorted(
            Report.objects.filter(campaign=campaign).values_list("region_id", "period", "status")
        ),
        "audit": AuditEvent.objects.count(),
    }


def enter(bureaus, campaign, name, period="2020-03", actor=None, **values):
    return services.values_enter(
        actor=bureaus.users[actor or name],
        campaign=campaign,
        region=bureaus.regions[name],
        period=period,
        values={code: (value, "") for code, value in values.items()},
    )


def refused(campaign, status, call, match=None):
    """``call()`` is refused with ``status`` and changes nothing; returns the error's text."""
    before = state(campaign)
    with pytest.raises(REFUSED[status], match=match) as raised:
        call()
    assert state(campaign) == before
    return str(raised.value)


def submit(bureaus, campaign, name, period="2020-03"):
    return services.report_submit(
        actor=bureaus.users[name], campaign=campaign, region=bureaus.regions[name], period=period
    )


def report_of(campaign, bureaus, name, period="2020-03"):
    return Report.objects.get(campaign=campaign, region=bureaus.regions[name], period=period)


# Campaigns -------------------------------------------------------------------------------------


def test_a_regulator_creates_a_campaign_over_its_region(bureaus, campaign):
    assert campaign.region == bureaus.regions["province"]
    assert campaign.organiser == bureaus.organisations["province"]
    assert campaign.created_by == bureaus.users["province"]
    assert set(campaign.indicators.all()) == set(Indicator.objects.filter(is_active=True))
    event = AuditEvent.objects.get(action="campaigns.campaign.created")
    assert event.object_id == str(campaign.pk)


def test_who_may_create_and_change_a_campaign(bureaus, campaign):
    fields = {"name": "另一个", "year": 2020, "period_type": "monthly"}
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            actor=bureaus.users["viewer"], organiser=bureaus.organisations["province"], **fields
        )
    with pytest.raises(ValidationError, match="Only a regulator"):
        services.campaign_create(
            actor=bureaus.admin, organiser=bureaus.organisations["institution"], **fields
        )
    with pytest.raises(ValidationError, match="already has a campaign"):
        services.campaign_create(
            actor=bureaus.users["province"],
            organiser=bureaus.organisations["province"],
            **{**fields, "name": campaign.name},
        )
    refused(
        campaign,
        403,
        lambda: services.campaign_update(
            actor=bureaus.users["zhengzhou"], campaign=campaign, name="改名"
        ),
    )
    outsider = user_create(actor=bureaus.admin, username="outsider", email="o@example.com")
    refused(
        campaign,
        404,
        lambda: services.campaign_update(actor=outsider, campaign=campaign, name="改名"),
    )
    services.campaign_update(
        actor=bureaus.users["province"], campaign=campaign, name="改名", deadline_days=15
    )
    campaign.refresh_from_db()
    assert (campaign.name, campaign.deadline_days) == ("改名", 15)
    enter(bureaus, campaign, "jinshui", smes_helped=1)
    refused(
        campaign,
        400,
        lambda: services.campaign_update(
            actor=bureaus.users["province"], campaign=campaign, period_type="quarterly"
        ),
        match="can no longer change",
    )


# Entered values: who --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("jinshui", 200),  # its own bureau
        ("platform_admin", 200),
        ("zhongyuan", 404),  # another county: cannot even see 金水区
        ("kaifeng", 404),  # another city
        ("zhengzhou", 403),  # the city above sees its county's figures, does not write them
        ("province", 403),
        ("viewer", 403),  # a viewer of the province bureau
    ],
)
def test_only_the_regions_own_bureau_enters_its_figures(bureaus, campaign, actor, status):
    call = lambda: enter(bureaus, campaign, "jinshui", actor=actor, smes_helped=5)  # noqa: E731
    if status == 200:
        call()
        assert EnteredValue.objects.get().value == 5
        row = Figure.objects.get(
            campaign=campaign,
            region=bureaus.regions["province"],
            period="2020-03",
            indicator__code="smes_helped",
        )
        assert row.entered_subtree == 5
    else:
        refused(campaign, status, call)


def test_a_user_outside_the_campaign_sees_nothing(bureaus, campaign):
    outsider = user_create(actor=bureaus.admin, username="outsider", email="o@example.com")
    refused(
        campaign,
        404,
        lambda: services.values_enter(
            actor=outsider,
            campaign=campaign,
            region=bureaus.regions["jinshui"],
            period="2020-03",
            values={"smes_helped": (1, "")},
        ),
    )


# Entered values: bad input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"smes_helped": (-1, "")}, "cannot be negative"),
        ({"smes_helped": (2.5, "")}, "whole number"),
        ({"smes_helped": ("3.5", "")}, "whole number"),
        ({"smes_helped": ("三", "")}, "whole number"),
        ({"smes_helped": (True, "")}, "whole number"),
        ({"smes_helped": (float("nan"), "")}, "whole number"),
        ({"smes_helped": (10**12, "")}, "too large"),
        ({"crystal_balls": (1, "")}, "crystal_balls is not an indicator"),
        # One bad value among good ones: none is written.
        ({"service_teams": (4, ""), "smes_helped": (-3, "")}, "cannot be negative"),
        ({"service_teams": (4, "x" * 501)}, "longer than 500"),
    ],
)
def test_bad_values_are_refused_naming_the_indicator(bureaus, campaign, values, message):
    enter(bureaus, campaign, "jinshui", smes_helped=7)
    text = refused(
        campaign,
        400,
        lambda: services.values_enter(
            actor=bureaus.users["jinshui"],
            campaign=campaign,
            region=bureaus.regions["jinshui"],
            period="2020-03",
            values=values,
        ),
        match=message,
    )
    bad_code = next(code for code in values if code in text)
    assert bad_code


def test_whole_numbers_in_other_shapes_are_taken(bureaus, campaign):
    enter(bureaus, campaign, "jinshui", smes_helped="12", service_teams=3.0, labs_opened=0)
    assert dict(EnteredValue.objects.values_list("indicator__code", "value")) == {
        "smes_helped": 12,
        "service_teams": 3,
        "labs_opened": 0,
    }


@pytest.mark.parametrize("period", ["2021-01", "2019-12", "2020-13", "2020-Q1", "total", ""])
def test_a_period_outside_the_campaign_is_refused(bureaus, campaign, period):
    refused(
        campaign,
        400,
        lambda: enter(bureaus, campaign, "jinshui", period=period, smes_helped=1),
        match="reporting period|per period",
    )


def test_a_region_outside_the_campaign_is_refused(bureaus):
    city_campaign = services.campaign_create(
        actor=bureaus.users["zhengzhou"],
        organiser=bureaus.organisations["zhengzhou"],
        name="郑州",
        year=2020,
        period_type="monthly",
    )
    refused(
        city_campaign,
        400,
        lambda: services.values_enter(
            actor=bureaus.admin,
            campaign=city_campaign,
            region=bureaus.regions["kaifeng"],
            period="2020-03",
            values={"smes_helped": (1, "")},
        ),
        match="not in the campaign's regions",
    )
    # 开封 does not see 郑州's campaign at all.
    refused(
        city_campaign,
        404,
        lambda: services.values_enter(
            actor=bureaus.users["kaifeng"],
            campaign=city_campaign,
            region=bureaus.regions["kaifeng"],
            period="2020-03",
            values={"smes_helped": (1, "")},
        ),
    )


@pytest.mark.parametrize("decision", ["submitted", "approved"])
def test_values_of_a_submitted_or_approved_period_are_locked(bureaus, campaign, decision):
    enter(bureaus, campaign, "jinshui", smes_helped=5)
    report = submit(bureaus, campaign, "jinshui")
    if decision == "approved":
        services.report_approve(actor=bureaus.users["zhengzhou"], report=report)
    refused(
        campaign,
        400,
        lambda: enter(bureaus, campaign, "jinshui", smes_helped=6),
        match="locked",
    )
    refused(  # the platform administrator too: the lock is the report's
        campaign,
        400,
        lambda: enter(bureaus, campaign, "jinshui", actor="platform_admin", smes_helped=6),
        match="locked",
    )
    enter(bureaus, campaign, "jinshui", period="2020-04", smes_helped=6)  # another period is open


def test_entering_is_audited_and_the_same_value_again_changes_nothing(bureaus, campaign):
    written = enter(bureaus, campaign, "jinshui", smes_helped=5, service_teams=1)
    assert len(written) == 2
    event = AuditEvent.objects.get(action="campaigns.values.entered")
    assert event.changes == {"smes_helped": [None, 5], "service_teams": [None, 1]}
    assert event.organisation == bureaus.organisations["jinshui"]
    before = state(campaign)
    assert enter(bureaus, campaign, "jinshui", smes_helped=5) == []
    assert state(campaign) == before
    services.values_enter(
        actor=bureaus.users["jinshui"],
        campaign=campaign,
        region=bureaus.regions["jinshui"],
        period="2020-03",
        values={"smes_helped": (5, "  走访企业  ")},
    )
    assert EnteredValue.objects.get(indicator__code="smes_helped").note == "走访企业"
    assert rollup.stored(campaign) == before["figures"]  # a note moves no figure


# Quotas ----------------------------------------------------------------------------------------


def quota(bureaus, campaign, actor, name, to_help, training=0, note=""):
    return services.quota_set(
        actor=bureaus.users[actor],
        campaign=campaign,
        region=bureaus.regions[name],
        smes_to_help=to_help,
        smes_for_mms_training=training,
        note=note,
    )


def test_the_bureau_above_sets_a_regions_quota(bureaus, campaign):
    assert quota(bureaus, campaign, "province", "province", 1000, 100).warnings == []
    assert quota(bureaus, campaign, "province", "zhengzhou", 300, 30).warnings == []
    assert quota(bureaus, campaign, "zhengzhou", "jinshui", 100, 10).quota.smes_to_help == 100
    refused(campaign, 403, lambda: quota(bureaus, campaign, "zhengzhou", "zhengzhou", 1))
    refused(campaign, 403, lambda: quota(bureaus, campaign, "jinshui", "jinshui", 1))
    refused(campaign, 403, lambda: quota(bureaus, campaign, "viewer", "zhengzhou", 1))
    # The province's region is above 郑州's: not one 郑州 regulates.
    refused(campaign, 404, lambda: quota(bureaus, campaign, "zhengzhou", "province", 1))
    refused(campaign, 404, lambda: quota(bureaus, campaign, "jinshui", "zhongyuan", 1))
    refused(campaign, 404, lambda: quota(bureaus, campaign, "kaifeng", "jinshui", 1))
    refused(campaign, 400, lambda: quota(bureaus, campaign, "province", "kaifeng", -5), "negative")
    refused(campaign, 400, lambda: quota(bureaus, campaign, "province", "kaifeng", 5, 1.5), "whole")
    quota(bureaus, campaign, "platform_admin", "kaifeng", 50)
    assert AuditEvent.objects.filter(action="campaigns.quota.created").count() == 4


def test_quotas_above_the_parents_warn_in_either_direction(bureaus, campaign):
    quota(bureaus, campaign, "province", "zhengzhou", 100, 10)
    assert quota(bureaus, campaign, "zhengzhou", "jinshui", 60, 4).warnings == []
    warnings = quota(bureaus, campaign, "zhengzhou", "zhongyuan", 50, 7).warnings
    assert len(warnings) == 2
    assert "add up to 110 SMEs to help, more than its own quota of 100" in warnings[0]
    assert "add up to 11 SMEs for measurement" in warnings[1]
    assert Quota.objects.get(region=bureaus.regions["zhongyuan"]).smes_to_help == 50  # kept
    # Raising the parent's clears them; lowering it warns again.
    assert quota(bureaus, campaign, "province", "zhengzhou", 110, 11).warnings == []
    warnings = quota(bureaus, campaign, "province", "zhengzhou", 90, 11).warnings
    assert warnings == [
        "The quotas of the regions under 郑州市 add up to 110 SMEs to help, more than its own "
        "quota of 90."
    ]


def test_a_quota_table_is_imported_all_or_nothing(bureaus, campaign):
    quota(bureaus, campaign, "province", "zhengzhou", 100, 10)
    rows = [
        QuotaRow(
            row=4, region_name="中原区", region_code="", smes_to_help=40, smes_for_mms_training=4
        ),
        QuotaRow(
            row=5,
            region_name="金水区",
            region_code="410105",
            smes_to_help=70,
            smes_for_mms_training=5,
            note="含高新区",
        ),
    ]
    warnings = services.quotas_import(
        actor=bureaus.users["zhengzhou"],
        campaign=campaign,
        parent=bureaus.regions["zhengzhou"],
        rows=rows,
    )
    assert warnings == [
        "The quotas of the regions under 郑州市 add up to 110 SMEs to help, more than its own "
        "quota of 100."
    ]
    assert Quota.objects.get(region=bureaus.regions["jinshui"]).note == "含高新区"
    bad = [
        QuotaRow(
            row=4, region_name="中原区", region_code="", smes_to_help=1, smes_for_mms_training=1
        ),
        QuotaRow(
            row=5, region_name="开封市", region_code="", smes_to_help=1, smes_for_mms_training=1
        ),
    ]
    refused(
        campaign,
        400,
        lambda: services.quotas_import(
            actor=bureaus.users["zhengzhou"],
            campaign=campaign,
            parent=bureaus.regions["zhengzhou"],
            rows=bad,
        ),
        match="Row 5: 开封市 is not a region under 郑州市",
    )
    negative = [
        QuotaRow(
            row=4, region_name="中原区", region_code="", smes_to_help=1, smes_for_mms_training=1
        ),
        QuotaRow(
            row=7, region_name="金水区", region_code="", smes_to_help=-1, smes_for_mms_training=1
        ),
    ]
    refused(
        campaign,
        400,
        lambda: services.quotas_import(
            actor=bureaus.users["zhengzhou"],
            campaign=campaign,
            parent=bureaus.regions["zhengzhou"],
            rows=negative,
        ),
        match="Row 7",
    )
    refused(
        campaign,
        403,
        lambda: services.quotas_import(
            actor=bureaus.users["province"],
            campaign=campaign,
            parent=bureaus.regions["zhengzhou"],
            rows=rows,
        ),
    )


# The approval chain ----------------------------------------------------------------------------


def notified(bureaus, name):
    return list(
        Notification.objects.filter(recipient=bureaus.users[name]).values_list("title", flat=True)
    )


def test_reports_go_up_the_reporting_line(bureaus, campaign):
    enter(bureaus, campaign, "jinshui", smes_helped=5)
    enter(bureaus, campaign, "zhengzhou", smes_helped=2)
    # 郑州 cannot submit before its counties' reports are approved.
    refused(
        campaign,
        400,
        lambda: submit(bureaus, campaign, "zhengzhou"),
        match="reports of 中原区、金水区 for 2020-03 are not approved",
    )
    report = submit(bureaus, campaign, "jinshui")
    assert (report.status, report.submitted_by) == ("submitted", bureaus.users["jinshui"])
    assert notified(bureaus, "zhengzhou") == [
        "2020年计量服务中小企业行: the report of 金水区 for 2020-03 is Submitted"
    ]
    assert notified(bureaus, "province") == []
    # Deciding is the parent's bureau's: not the region itself, nor the bureau two levels up.
    refused(
        campaign,
        403,
        lambda: services.report_approve(actor=bureaus.users["jinshui"], report=report),
    )
    refused(
        campaign,
        403,
        lambda: services.report_approve(actor=bureaus.users["province"], report=report),
    )
    refused(
        campaign,
        404,
        lambda: services.report_approve(actor=bureaus.users["zhongyuan"], report=report),
    )
    refused(
        campaign,
        404,
        lambda: services.report_approve(actor=bureaus.users["kaifeng"], report=report),
    )
    refused(
        campaign,
        400,
        lambda: services.report_return(actor=bureaus.users["zhengzhou"], report=report, reason=" "),
        match="Say why",
    )
    report = services.report_approve(actor=bureaus.users["zhengzhou"], report=report)
    assert report.status == "approved"
    assert report.decided_by == bureaus.users["zhengzhou"]
    assert report.approved_figures["smes_helped"]["entered_own"] == 5
    assert "is Approved" in notified(bureaus, "jinshui")[-1]
    refused(
        campaign,
        400,
        lambda: services.report_approve(actor=bureaus.users["zhengzhou"], report=report),
        match="The report is Approved: it cannot be approved",
    )
    zhongyuan = submit(bureaus, campaign, "zhongyuan")
    zhongyuan = services.report_return(
        actor=bureaus.users["zhengzhou"], report=zhongyuan, reason="数据有误"
    )
    assert zhongyuan.return_reason == "数据有误"
    assert Notification.objects.filter(
        recipient=bureaus.users["zhongyuan"], body__contains="数据有误"
    ).exists()
    enter(bureaus, campaign, "zhongyuan", smes_helped=1)  # returned: open to changes
    services.report_approve(
        actor=bureaus.users["zhengzhou"], report=submit(bureaus, campaign, "zhongyuan")
    )
    city = submit(bureaus, campaign, "zhengzhou")
    assert "郑州市 for 2020-03 is Submitted" in notified(bureaus, "province")[-1]
    # An approval below a submitted report is not taken back...
    refused(
        campaign,
        400,
        lambda: services.report_unapprove(
            actor=bureaus.users["zhengzhou"], report=report, reason="改"
        ),
        match="report of 郑州市 for 2020-03 is Submitted",
    )
    # ...until the province returns the city's report.
    services.report_return(actor=bureaus.users["province"], report=city, reason="请核实金水区")
    refused(
        campaign,
        403,
        lambda: services.report_unapprove(
            actor=bureaus.users["jinshui"], report=report, reason="x"
        ),
    )
    report = services.report_unapprove(
        actor=bureaus.users["zhengzhou"], report=report, reason="金水区数据需修改"
    )
    assert (report.status, report.approved_figures) == ("returned", {})
    enter(bureaus, campaign, "jinshui", smes_helped=6)
    report = services.report_approve(
        actor=bureaus.users["zhengzhou"], report=submit(bureaus, campaign, "jinshui")
    )
    # A bureau above the parent may take an approval back too.
    services.report_unapprove(actor=bureaus.users["province"], report=report, reason="抽查")
    actions = list(
        AuditEvent.objects.filter(action__startswith="campaigns.report.").values_list(
            "action", flat=True
        )
    )
    assert actions.count("campaigns.report.approve") == 3
    assert actions.count("campaigns.report.unapprove") == 2


def test_the_campaigns_region_reports_to_no_one(bureaus, campaign):
    refused(
        campaign,
        400,
        lambda: submit(bureaus, campaign, "province"),
        match="reports to no one",
    )


def test_a_report_for_a_period_outside_the_campaign_is_refused(bureaus, campaign):
    refused(
        campaign,
        400,
        lambda: submit(bureaus, campaign, "jinshui", period="2020-Q2"),
        match="not a reporting period",
    )


def test_platform_administrators_may_do_everything(bureaus, campaign):
    admin = bureaus.admin
    jinshui = bureaus.regions["jinshui"]
    services.values_enter(
        actor=admin,
        campaign=campaign,
        region=jinshui,
        period="2020-03",
        values={"smes_helped": (3, "")},
    )
    report = services.report_submit(
        actor=admin, campaign=campaign, region=jinshui, period="2020-03"
    )
    report = services.report_approve(actor=admin, report=report)
    services.report_unapprove(actor=admin, report=report, reason="测试")
    services.quota_set(
        actor=admin, campaign=campaign, region=jinshui, smes_to_help=1, smes_for_mms_training=0
    )


def test_two_approvers_at_once_one_wins(shared_bureaus):
    bureaus = shared_bureaus
    campaign = services.campaign_create(
        actor=bureaus.users["province"],
        organiser=bureaus.organisations["province"],
        name="并发",
        year=2020,
        period_type="monthly",
    )
    second = second_staff(bureaus, "zhengzhou")
    report = services.report_submit(
        actor=bureaus.users["jinshui"],
        campaign=campaign,
        region=bureaus.regions["jinshui"],
        period="2020-03",
    )
    approvers = [bureaus.users["zhengzhou"], second]
    errors = in_threads(
        2,
        lambda: services.report_approve(
            actor=approvers.pop(), report=Report.objects.get(pk=report.pk)
        ),
    )
    assert len(errors) == 1
    assert errors[0].startswith("ValidationError")
    assert Report.objects.get(pk=report.pk).status == "approved"
    assert AuditEvent.objects.filter(action="campaigns.report.approve").count() == 1
    assert Campaign.objects.count() == 1


def test_notifications_date_nothing_wrong(bureaus, campaign):
    """A report submitted records when: the completeness rates read ``submitted_at``."""
    before = datetime.now().astimezone()
    report = submit(bureaus, campaign, "kaifeng")
    assert report.submitted_at >= before
    assert report_of(campaign, bureaus, "kaifeng").status == "submitted"
