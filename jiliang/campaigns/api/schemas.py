"""The shapes of the campaigns API: what it answers (output) and what it is sent (input)."""

from datetime import date, datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field
from pydantic import PlainValidator

from jiliang.campaigns.choices import Aggregation, PeriodType, ReportStatus
from jiliang.campaigns.models import WHOLE_CAMPAIGN
from jiliang.campaigns.periods import label
from jiliang.core.api import Id, Schema
from jiliang.orgs.choices import RegionLevel

MAX_COUNT = 2**31 - 1  # the figures' and quotas' integer columns


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
