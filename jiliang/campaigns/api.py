"""Campaigns by API: campaigns and their periods, quotas (also as xlsx), entered values, the
approval chain of reports, and the roll-ups (table, trend, completeness, xlsx and PDF).

Refusals come in a fixed order: 404 when the campaign, the region or the report is not yours
to see (a regulator sees their own region and those below it), 403 when you see it but do not
act for the bureau concerned, 409 when a report's state does not allow the step (values of a
submitted or approved period are locked: 409 too), 400 when the data breaks a rule (naming the
field: ``period``, ``region``, ``values.<indicator code>``…), 422 when the request does not
match the schema.
"""

from contextlib import contextmanager
from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import PlainValidator

from jiliang.campaigns import documents, selectors, services, spreadsheets
from jiliang.campaigns.choices import Aggregation, PeriodType, ReportStatus
from jiliang.campaigns.models import WHOLE_CAMPAIGN, Campaign, Indicator, Report
from jiliang.campaigns.periods import label, periods_of
from jiliang.core.api import ErrorOut, Id, Schema, get_visible_or_404, patch_data
from jiliang.core.responses import file_response, xlsx_response
from jiliang.core.services import require_organisation_role
from jiliang.orgs.choices import OrganisationKind, RegionLevel
from jiliang.orgs.models import Organisation, Region

router = Router(tags=["campaigns"])

WRITE = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
READ = {400: ErrorOut, 404: ErrorOut}
MAX_COUNT = 2**31 - 1  # the figures' and quotas' integer columns
MAX_QUOTA_FILE_BYTES = 5 * 1024 * 1024
PDF = "application/pdf"


def _json_number(value):
    """A JSON number or null as sent: the services judge whether it is a count (naming the
    indicator); text and true/false are no numbers (422)."""
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    raise ValueError(_("Enter a number."))


Count = Annotated[
    int | float | None, PlainValidator(_json_number, json_schema_input_type=int | None)
]
PeriodKey = Field(max_length=10, description='"2020-03", "2020-Q1", "2020" or "total"')


# Output ----------------------------------------------------------------------------------------


class RegionRef(Schema):
    id: int
    code: str
    name: str
    level: RegionLevel


class OrganisationRef(Schema):
    id: int
    name: str


class IndicatorOut(Schema):
    code: str
    name: str
    name_en: str
    unit: str
    aggregation: Aggregation
    counter: str = Field(description="The platform count that feeds it; empty: entered only")
    position: int
    is_active: bool


class CampaignOut(Schema):
    id: int
    name: str
    year: int
    region: RegionRef = Field(description="The campaign covers this region and those below it")
    organiser: OrganisationRef
    period_type: PeriodType
    deadline_days: int = Field(description="Reports are due this many days after a period")
    indicators: list[str] = Field(description="Indicator codes, in the tables' order")
    created: datetime

    @staticmethod
    def resolve_indicators(obj):
        return [indicator.code for indicator in obj.indicators.all()]


class PeriodOut(Schema):
    key: str
    label: str
    start: date
    end: date
    deadline: date

    @staticmethod
    def resolve_label(obj):
        return label(obj.key)


class QuotaValues(Schema):
    smes_to_help: int
    smes_for_mms_training: int
    note: str


class QuotaOut(QuotaValues):
    region: RegionRef


class QuotaLineOut(Schema):
    region: RegionRef
    quota: QuotaValues | None


class QuotaSums(Schema):
    smes_to_help: int
    smes_for_mms_training: int


class QuotaOverviewOut(Schema):
    parent: RegionRef
    parent_quota: QuotaValues | None
    children: list[QuotaLineOut]
    sums: QuotaSums = Field(description="The children's quotas added up")
    warnings: list[str] = Field(description="Sums above the parent's quota, and the like")


class QuotaSetOut(Schema):
    quota: QuotaOut
    warnings: list[str]


class ValueOut(Schema):
    indicator: str
    name: str
    unit: str
    value: int | None = Field(description="null: nothing entered")
    note: str


class ValuesOut(Schema):
    region: RegionRef
    period: PeriodOut
    report_status: ReportStatus | None = Field(
        description="The region's report for the period; null for the campaign's own region"
    )
    locked: bool = Field(description="Submitted or approved: values cannot change")
    values: list[ValueOut]


class ReportOut(Schema):
    id: int
    region: RegionRef
    period: str
    status: ReportStatus
    submitted_at: datetime | None
    submitted_by: str | None
    decided_at: datetime | None
    decided_by: str | None
    return_reason: str

    @staticmethod
    def resolve_submitted_by(obj):
        return obj.submitted_by.username if obj.submitted_by else None

    @staticmethod
    def resolve_decided_by(obj):
        return obj.decided_by.username if obj.decided_by else None


class CellOut(Schema):
    entered: int
    counted: int
    together: int


class RowOut(Schema):
    region: RegionRef
    cells: dict[str, CellOut] = Field(description="By indicator code")
    quota: QuotaValues | None
    achievement: float | None = Field(description="SMEs helped ÷ SMEs to help (0.85 = 85 %)")
    mms_achievement: float | None = Field(
        description="Enterprises helped with a measurement management system ÷ that quota"
    )
    report_status: ReportStatus | None

    @staticmethod
    def resolve_cells(obj):
        return {
            code: {"entered": cell.entered, "counted": cell.counted, "together": cell.together}
            for code, cell in zip(obj.codes, obj.cells, strict=True)
        }


class IndicatorRef(Schema):
    code: str
    name: str
    unit: str


class RollupOut(Schema):
    region: RegionRef
    period: PeriodOut
    indicators: list[IndicatorRef]
    own: RowOut = Field(description="The region's own figures (not its children's)")
    total: RowOut = Field(description="The region and everything below it")
    children: list[RowOut]


class TrendPointOut(Schema):
    period: str
    label: str
    start: date
    end: date
    entered: dict[str, int]
    counted: dict[str, int]
    together: dict[str, int]


class CompletenessOut(Schema):
    region: RegionRef
    is_total: bool
    reporting: bool = Field(description="The region has a bureau on the platform: it reports")
    expected: int
    received: int
    on_time: int
    received_rate: float | None
    on_time_rate: float | None


class ImportOut(QuotaOverviewOut):
    imported: int = Field(description="Rows read from the file")


# Input -----------------------------------------------------------------------------------------


class CampaignIn(Schema):
    organiser: Id | None = Field(
        None,
        description="The regulator organising it; may be left out by a user who acts for "
        "exactly one regulator. The campaign covers the organiser's region.",
    )
    name: str = Field(max_length=200)
    year: int = Field(ge=2000, le=2100)
    period_type: PeriodType
    deadline_days: int = Field(10, ge=0, le=365)
    indicators: list[str] | None = Field(
        None, max_length=200, description="Indicator codes; all active ones when left out"
    )


class CampaignPatch(Schema):
    name: str | None = Field(None, max_length=200)
    year: int | None = Field(
        None, ge=2000, le=2100, description="Only while nothing is entered or reported"
    )
    period_type: PeriodType | None = Field(
        None, description="Only while nothing is entered or reported"
    )
    deadline_days: int | None = Field(None, ge=0, le=365)
    indicators: list[str] | None = Field(None, max_length=200)


class RegionQuery(Schema):
    region: Id | None = Field(
        None, description="The region's id; the highest region you may look at when left out"
    )


class RollupQuery(RegionQuery):
    period: str = Field(
        WHOLE_CAMPAIGN, max_length=10, description='A period key, or "total" (the default)'
    )


class CompletenessQuery(RegionQuery):
    period: str | None = Field(
        None, max_length=10, description="A reporting period; every period when left out"
    )


class ValuesQuery(Schema):
    region: Id | None = Field(None, description="The highest region you may look at if left out")
    period: str = PeriodKey


class QuotaQuery(Schema):
    parent: Id | None = Field(
        None, description="The parent region; the highest region you may look at if left out"
    )


class ReportQuery(Schema):
    period: str | None = Field(None, max_length=10)
    status: ReportStatus | None = None
    awaiting: bool = Field(False, description="Only the reports your bureau must decide")


class QuotaIn(Schema):
    smes_to_help: int = Field(ge=0, le=MAX_COUNT)
    smes_for_mms_training: int = Field(ge=0, le=MAX_COUNT)
    note: str = Field("", max_length=200)


class ValueIn(Schema):
    indicator: str = Field(max_length=40, description="Indicator code")
    value: Count = Field(
        description="A whole number, 0 or more (a fraction or a negative number is a 400 naming "
        "the indicator); null removes the value entered"
    )
    note: str = Field("", max_length=500)


class ValuesIn(Schema):
    region: Id
    period: str = PeriodKey
    values: list[ValueIn] = Field(max_length=200)


class SubmitIn(Schema):
    region: Id
    period: str = PeriodKey


class ReasonIn(Schema):
    reason: str = Field(max_length=2000)


# Helpers ---------------------------------------------------------------------------------------


def _campaign(request, campaign_id: int) -> Campaign:
    return get_object_or_404(
        Campaign.objects.visible_to(request.user)
        .select_related("region", "organiser")
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("position", "code"))
        ),
        pk=campaign_id,
    )


def _region(request, campaign, region_id) -> Region:
    """The region asked for, or the highest the user may look at; 404 outside their view."""
    if region_id is None:
        region = selectors.home_region(user=request.user, campaign=campaign)
        if region is None:
            raise Http404
        return region
    return selectors.region_in_view(user=request.user, campaign=campaign, region=region_id)


def _require_bureau(request, region: Region) -> None:
    """403 unless the user acts (as administrator or staff) for the region's bureau."""
    if not selectors.acts_for(selectors.bureau_region_ids(request.user), region.pk):
        raise PermissionDenied(_("Only the bureau of %(region)s may do this.") % {"region": region})


def _indicators(codes: list[str] | None):
    if codes is None:
        return None
    codes = list(dict.fromkeys(codes))
    found = Indicator.objects.in_bulk(codes, field_name="code")
    missing = [code for code in codes if code not in found]
    if missing:
        raise ValidationError(
            {"indicators": _("Unknown indicator: %(code)s.") % {"code": ", ".join(missing)}}
        )
    return [found[code] for code in codes]


@contextmanager
def _state_conflicts():
    """The services refuse a step the report's state does not allow (a report already
    approved, values of a submitted period) with a message alone; a rule broken by the data
    names its field. The first is a 409."""
    try:
        yield
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        raise HttpError(409, " ".join(error.messages)) from None


def _require_unlocked(request, campaign, region, period: str) -> None:
    """409 while the region's report of the period is submitted or approved (the service
    refuses it too, naming ``period``, should it be submitted in between)."""
    status = (
        Report.objects.visible_to(request.user)
        .filter(campaign=campaign, region=region, period=period)
        .values_list("status", flat=True)
        .first()
    )
    if status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
        raise HttpError(
            409,
            _("The report of %(region)s for %(period)s is %(status)s: its figures are locked.")
            % {"region": region, "period": label(period), "status": ReportStatus(status).label},
        )


def _report(request, campaign, report_id: int) -> Report:
    return get_object_or_404(
        Report.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("region", "campaign", "submitted_by", "decided_by"),
        pk=report_id,
    )


def _quota_overview(request, campaign, parent, extra_warnings=()):
    overview = selectors.quota_overview(user=request.user, campaign=campaign, parent=parent)
    return {
        "parent": overview.parent,
        "parent_quota": overview.parent_quota,
        "children": [{"region": region, "quota": quota} for region, quota in overview.children],
        "sums": {
            "smes_to_help": overview.smes_to_help_sum,
            "smes_for_mms_training": overview.smes_for_mms_training_sum,
        },
        "warnings": list(dict.fromkeys([*extra_warnings, *overview.warnings])),
    }


def _rollup(request, campaign, query: RollupQuery):
    region = _region(request, campaign, query.region)
    return selectors.rollup_table(
        user=request.user, campaign=campaign, region=region, period=query.period
    )


# Campaigns -------------------------------------------------------------------------------------


@router.get("/indicators", response=list[IndicatorOut])
def indicator_list(request):
    """Every indicator a campaign may count, in the tables' order (inactive ones too)."""
    return Indicator.objects.order_by("position", "code")


@router.get("/campaigns", response=list[CampaignOut])
@paginate
def campaign_list(request):
    """The campaigns you see: those of your region, of the regions above it (you report into
    them) and below it; newest year first."""
    return selectors.campaign_list(user=request.user).prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("position", "code"))
    )


@router.post("/campaigns", response={201: CampaignOut, **WRITE})
def campaign_create(request, payload: CampaignIn):
    """A campaign of a regulator over its region; it then allocates quotas to the regions
    below."""
    organiser = _organiser(request, payload.organiser)
    campaign = services.campaign_create(
        actor=request.user,
        organiser=organiser,
        name=payload.name,
        year=payload.year,
        period_type=payload.period_type,
        deadline_days=payload.deadline_days,
        indicators=_indicators(payload.indicators),
    )
    return Status(201, _campaign(request, campaign.pk))


def _organiser(request, organiser_id) -> Organisation:
    if organiser_id is None:
        candidates = list(selectors.acting_bureaus(request.user)[:2])
        if len(candidates) != 1:
            raise ValidationError({"organiser": _("Say which regulator organises the campaign.")})
        return candidates[0]
    organiser = get_visible_or_404(Organisation, request, pk=organiser_id)
    require_organisation_role(request.user, organiser, selectors.ACTING_ROLES)
    if organiser.kind != OrganisationKind.REGULATOR:
        raise ValidationError({"organiser": _("Choose a regulator.")})
    return organiser


@router.get("/campaigns/{int:campaign_id}", response=CampaignOut)
def campaign_detail(request, campaign_id: Id):
    return _campaign(request, campaign_id)


@router.patch("/campaigns/{int:campaign_id}", response={200: CampaignOut, **WRITE})
def campaign_update(request, campaign_id: Id, payload: CampaignPatch):
    """Change the name, the deadline or the indicators (and the year or the periods while
    nothing is entered or reported); only the fields sent change."""
    campaign = _campaign(request, campaign_id)
    if not Campaign.objects.editable_by(request.user).filter(pk=campaign.pk).exists():
        raise PermissionDenied(_("Only the organiser's administrators and staff change it."))
    data = patch_data(payload, Campaign)
    if "indicators" in data:
        data["indicators"] = _indicators(data["indicators"])
    services.campaign_update(actor=request.user, campaign=campaign, **data)
    return _campaign(request, campaign_id)


@router.get("/campaigns/{int:campaign_id}/periods", response=list[PeriodOut])
def period_list(request, campaign_id: Id):
    """The reporting periods in time order, with their deadlines; the key "total" (the whole
    campaign) is accepted wherever a roll-up is asked for."""
    return periods_of(_campaign(request, campaign_id))


# Quotas ----------------------------------------------------------------------------------------


@router.get("/campaigns/{int:campaign_id}/quotas", response={200: QuotaOverviewOut, **READ})
def quota_list(request, campaign_id: Id, query: Query[QuotaQuery]):
    """The quotas of the parent region's children, their sum against the parent's own quota,
    and a warning for each sum above it."""
    campaign = _campaign(request, campaign_id)
    return _quota_overview(request, campaign, _region(request, campaign, query.parent))


@router.put(
    "/campaigns/{int:campaign_id}/quotas/{int:region_id}", response={200: QuotaSetOut, **WRITE}
)
def quota_set(request, campaign_id: Id, region_id: Id, payload: QuotaIn):
    """Set a region's quota: the bureau of the region's parent does (the organiser for the
    campaign's own region). A sum of quotas above the parent's is accepted with a warning."""
    campaign = _campaign(request, campaign_id)
    region = get_object_or_404(Region.objects.all(), pk=region_id)
    outcome = services.quota_set(
        actor=request.user, campaign=campaign, region=region, **payload.dict()
    )
    return {"quota": outcome.quota, "warnings": outcome.warnings}


@router.post("/campaigns/{int:campaign_id}/quotas/import", response={200: ImportOut, **WRITE})
def quota_import(
    request, campaign_id: Id, file: File[UploadedFile], parent: Form[Id | None] = None
):
    """Multipart form with ``file`` (xlsx, xls, ods or csv in the layout of the notice's
    attachment: 序号, 地区, 帮扶中小企业数, 测量管理体系培训企业数, 备注, a 合计 row) and
    ``parent`` (the region whose children the rows name). All rows or none are imported."""
    campaign = _campaign(request, campaign_id)
    parent_region = _region(request, campaign, parent)
    _require_bureau(request, parent_region)  # before the file is read: a refusal is a refusal
    if file.size > MAX_QUOTA_FILE_BYTES:
        raise ValidationError({"file": _("The file is larger than %(limit)d MB.") % {"limit": 5}})
    try:
        rows = spreadsheets.read_quota_table(file.read(), filename=file.name or "")
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    try:
        warnings = services.quotas_import(
            actor=request.user, campaign=campaign, parent=parent_region, rows=rows
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        raise ValidationError({"file": error.messages}) from None  # a row of the file
    # The service's warnings are the sums the overview checks again, worded alike.
    overview = _quota_overview(
        request, campaign, parent_region, [*getattr(rows, "warnings", []), *warnings]
    )
    return {**overview, "imported": len(rows)}


class QuotaExportQuery(QuotaQuery):
    blank: bool = Field(False, description="The template: the children without figures")


@router.get("/campaigns/{int:campaign_id}/quotas/export", response={200: None, **READ})
def quota_export(request, campaign_id: Id, query: Query[QuotaExportQuery]):
    """The quotas of the parent's children as xlsx, in the attachment's layout."""
    campaign = _campaign(request, campaign_id)
    parent = _region(request, campaign, query.parent)
    content = spreadsheets.write_quota_table(campaign, parent, blank=query.blank)
    kind = "quota-template" if query.blank else "quotas"
    return xlsx_response(content, f"{kind}-{campaign.year}-{parent.code}.xlsx")


# Entered values --------------------------------------------------------------------------------


@router.get("/campaigns/{int:campaign_id}/values", response={200: ValuesOut, **READ})
def value_list(request, campaign_id: Id, query: Query[ValuesQuery]):
    """What the region's bureau entered for the period (its own figures, not the children's),
    one line per indicator of the campaign."""
    campaign = _campaign(request, campaign_id)
    region = _region(request, campaign, query.region)
    period = selectors.period_in_campaign(campaign, query.period, allow_total=False)
    rows = selectors.entered_values(
        user=request.user, campaign=campaign, region=region, period=period
    )
    status = None
    if region.pk != campaign.region_id:
        report = (
            Report.objects.visible_to(request.user)
            .filter(campaign=campaign, region=region, period=period.key)
            .first()
        )
        status = report.status if report else ReportStatus.OPEN
    return {
        "region": region,
        "period": period,
        "report_status": status,
        "locked": status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED),
        "values": [
            {
                "indicator": row["indicator"].code,
                "name": row["indicator"].name,
                "unit": row["indicator"].unit,
                "value": row["value"],
                "note": row["note"],
            }
            for row in rows
        ],
    }


@router.put("/campaigns/{int:campaign_id}/values", response={200: ValuesOut, **WRITE})
def value_enter(request, campaign_id: Id, payload: ValuesIn):
    """Enter the region's own figures for a period (the region's bureau): whole numbers, 0 or
    more, each with an optional note. Indicators not sent keep their values. Values of a
    period whose report is submitted or approved are locked (409)."""
    campaign = _campaign(request, campaign_id)
    region = selectors.region_in_view(user=request.user, campaign=campaign, region=payload.region)
    _require_bureau(request, region)  # before the body's figures are looked at
    values = {}
    for line in payload.values:
        if line.indicator in values:
            raise ValidationError(
                {line.indicator: _("%(code)s is given twice.") % {"code": line.indicator}}
            )
        values[line.indicator] = (line.value, line.note)
    period = payload.period
    if period != WHOLE_CAMPAIGN:  # the service names the whole campaign's refusal
        period = selectors.period_in_campaign(campaign, period).key
    _require_unlocked(request, campaign, region, period)
    services.values_enter(
        actor=request.user, campaign=campaign, region=region, period=period, values=values
    )
    return value_list(request, campaign_id, ValuesQuery(region=region.pk, period=period))


# Reports ---------------------------------------------------------------------------------------


@router.get("/campaigns/{int:campaign_id}/reports", response={200: list[ReportOut], **READ})
@paginate
def report_list(request, campaign_id: Id, query: Query[ReportQuery]):
    """The reports you see (your region's and those below it), by period then region;
    ``awaiting=true``: only the submitted reports your bureau must decide."""
    campaign = _campaign(request, campaign_id)
    if query.period:
        selectors.period_in_campaign(campaign, query.period, allow_total=False)
    if query.awaiting:
        reports = selectors.reports_awaiting(user=request.user, campaign=campaign)
        if query.period:
            reports = reports.filter(period=query.period)
        if query.status:
            reports = reports.filter(status=query.status)
        return reports.select_related("decided_by")
    return selectors.report_list(
        user=request.user, campaign=campaign, period=query.period, status=query.status
    )


@router.post("/campaigns/{int:campaign_id}/reports/submit", response={200: ReportOut, **WRITE})
def report_submit(request, campaign_id: Id, payload: SubmitIn):
    """Submit the region's figures for the period to the bureau above (the region's bureau);
    every child region's report of the period must be approved first."""
    campaign = _campaign(request, campaign_id)
    region = selectors.region_in_view(user=request.user, campaign=campaign, region=payload.region)
    with _state_conflicts():
        report = services.report_submit(
            actor=request.user, campaign=campaign, region=region, period=payload.period
        )
    return _report(request, campaign, report.pk)


def _decide(request, campaign_id, report_id, step) -> Report:
    campaign = _campaign(request, campaign_id)
    report = _report(request, campaign, report_id)
    with _state_conflicts():
        step(report)
    return _report(request, campaign, report.pk)


@router.post(
    "/campaigns/{int:campaign_id}/reports/{int:report_id}/approve",
    response={200: ReportOut, **WRITE},
)
def report_approve(request, campaign_id: Id, report_id: Id):
    """Approve a submitted report (the bureau above the report's region): its figures are
    locked until unapproved."""
    return _decide(
        request,
        campaign_id,
        report_id,
        lambda report: services.report_approve(actor=request.user, report=report),
    )


@router.post(
    "/campaigns/{int:campaign_id}/reports/{int:report_id}/return",
    response={200: ReportOut, **WRITE},
)
def report_return(request, campaign_id: Id, report_id: Id, payload: ReasonIn):
    """Send a submitted report back with what to correct; its figures can change again."""
    return _decide(
        request,
        campaign_id,
        report_id,
        lambda report: services.report_return(
            actor=request.user, report=report, reason=payload.reason
        ),
    )


@router.post(
    "/campaigns/{int:campaign_id}/reports/{int:report_id}/unapprove",
    response={200: ReportOut, **WRITE},
)
def report_unapprove(request, campaign_id: Id, report_id: Id, payload: ReasonIn):
    """Reopen an approved report, with the reason; refused while the parent region's own
    report of the period is submitted or approved."""
    return _decide(
        request,
        campaign_id,
        report_id,
        lambda report: services.report_unapprove(
            actor=request.user, report=report, reason=payload.reason
        ),
    )


# Roll-ups --------------------------------------------------------------------------------------


@router.get("/campaigns/{int:campaign_id}/rollup", response={200: RollupOut, **READ})
def rollup(request, campaign_id: Id, query: Query[RollupQuery]):
    """The region's statistics for a period (or ``total``): its own figures, its subtree's
    totals and one row per child region, entered and counted kept apart, with quota,
    achievement and the child's report status."""
    return _rollup(request, _campaign(request, campaign_id), query)


@router.get("/campaigns/{int:campaign_id}/trend", response={200: list[TrendPointOut], **READ})
def trend(request, campaign_id: Id, query: Query[RegionQuery]):
    """The region's subtree totals per reporting period, in time order."""
    campaign = _campaign(request, campaign_id)
    region = _region(request, campaign, query.region)
    return selectors.trend(user=request.user, campaign=campaign, region=region)


@router.get(
    "/campaigns/{int:campaign_id}/completeness", response={200: list[CompletenessOut], **READ}
)
def completeness(request, campaign_id: Id, query: Query[CompletenessQuery]):
    """Per child region and a last total line: reports expected (deadline passed, or
    submitted anyway), received (submitted or approved) and on time, with the rates."""
    campaign = _campaign(request, campaign_id)
    region = _region(request, campaign, query.region)
    return selectors.completeness(
        user=request.user, campaign=campaign, region=region, period=query.period
    )


def _statistics_filename(table, suffix: str) -> str:
    return f"statistics-{table.campaign.year}-{table.region.code}-{table.period.key}.{suffix}"


@router.get("/campaigns/{int:campaign_id}/statistics.xlsx", response={200: None, **READ})
def statistics_xlsx(request, campaign_id: Id, query: Query[RollupQuery]):
    """The roll-up table as xlsx in the official layout."""
    table = _rollup(request, _campaign(request, campaign_id), query)
    return xlsx_response(
        spreadsheets.write_statistics_table(table), _statistics_filename(table, "xlsx")
    )


@router.get("/campaigns/{int:campaign_id}/statistics.pdf", response={200: None, **READ})
def statistics_pdf(request, campaign_id: Id, query: Query[RollupQuery]):
    """The roll-up table as PDF (A4 landscape)."""
    table = _rollup(request, _campaign(request, campaign_id), query)
    return file_response(
        documents.statistics_pdf(table),
        filename=_statistics_filename(table, "pdf"),
        content_type=PDF,
    )
