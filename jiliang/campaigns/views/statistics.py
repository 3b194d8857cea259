"""The roll-up table of a region and period, and the dashboard's charts."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from jiliang.campaigns import selectors
from jiliang.campaigns.models import WHOLE_CAMPAIGN
from jiliang.campaigns.reference import national_totals_2021
from jiliang.campaigns.views.base import (
    CHART_COLOURS,
    BadQuery,
    CampaignMixin,
    achievement_display,
    percent,
    period_choices,
    query,
    status_display,
)


class CampaignDetailView(CampaignMixin, TemplateView):
    """The roll-up of a region for a period: one row per child region (drill down), the
    region's own figures and the 合计 row; quotas, achievement, reports and their timeliness."""

    template_name = "campaigns/campaign_detail.html"

    def get_context_data(self, **kwargs):
        region = self.region_from(self.request.GET.get("region"))
        period = self.period_from(self.request.GET.get("period"))
        table = selectors.rollup_table(
            user=self.user, campaign=self.campaign, region=region, period=period
        )
        completeness = selectors.completeness(
            user=self.user,
            campaign=self.campaign,
            region=region,
            period=None if period.key == WHOLE_CAMPAIGN else period.key,
            today=timezone.localdate(),
        )
        return super().get_context_data(
            **self.campaign_context(region, "campaign_detail", period),
            **rollup_display(table, completeness, self.page_url("campaign_detail")),
            period=period,
            period_choices=period_choices(self.campaign),
            xlsx_url=self.page_url("statistics_xlsx", region=region.pk, period=period.key),
            pdf_url=self.page_url("statistics_pdf", region=region.pk, period=period.key),
            **kwargs,
        )


def rollup_display(table, completeness, page_url) -> dict:
    """The roll-up table as the template shows it, worked out once rather than by tags."""
    columns = [
        {"indicator": indicator, "counted": bool(indicator.counter)}
        for indicator in table.indicators
    ]
    lines = [
        {
            **line,
            "received_percent": percent(line["received_rate"]),
            "on_time_percent": percent(line["on_time_rate"]),
        }
        for line in completeness
    ]
    timeliness = {line["region"].pk: line for line in lines if not line["is_total"]}
    total_timeliness = next((line for line in lines if line["is_total"]), None)

    def row(source, *, kind, link=True):
        return {
            "region": source.region,
            "kind": kind,
            "url": query(page_url, region=source.region.pk, period=table.period.key)
            if link
            else None,
            "cells": [
                {"entered": cell.entered, "counted": cell.counted, "counter": column["counted"]}
                for column, cell in zip(columns, source.cells, strict=True)
            ],
            "quota": source.quota,
            "smes_helped": source.smes_helped,
            "mms_enterprises": source.mms_enterprises,
            "achievement": achievement_display(source.achievement),
            "mms_achievement": achievement_display(source.mms_achievement),
            "status": status_display(source.report_status),
            "timeliness": timeliness.get(source.region.pk),
        }

    total = row(table.total, kind="total", link=False)
    total["timeliness"] = total_timeliness
    return {
        "table": table,
        "columns": columns,
        "counted_columns": sum(1 for column in columns if column["counted"]),
        "rows": [row(child, kind="child") for child in table.children],
        "own": row(table.own, kind="own", link=False),
        "total": total,
        "is_period": table.period.key != WHOLE_CAMPAIGN,
    }


class DashboardView(CampaignMixin, TemplateView):
    """Charts of a region: achievement per child region, the trend over the periods of one
    indicator, and its totals against the 2021 national figures."""

    template_name = "campaigns/dashboard.html"

    def get_context_data(self, **kwargs):
        region = self.region_from(self.request.GET.get("region"))
        period = self.period_from(WHOLE_CAMPAIGN)
        table = selectors.rollup_table(
            user=self.user, campaign=self.campaign, region=region, period=period
        )
        codes = table.codes
        indicator_code = self.request.GET.get("indicator") or (
            selectors.SMES_HELPED if selectors.SMES_HELPED in codes else codes[0]
        )
        if indicator_code not in codes:
            raise BadQuery(
                _("%(indicator)s is not an indicator of this campaign.")
                % {"indicator": indicator_code}
            )
        indicator = table.indicators[codes.index(indicator_code)]
        trend = selectors.trend(user=self.user, campaign=self.campaign, region=region)
        achievement = []
        for child in table.children:
            shown = achievement_display(child.achievement)
            achievement.append(
                {
                    "name": child.region.name,
                    "value": shown["percent"],
                    "color": CHART_COLOURS.get(shown["level"], "#adb5bd"),
                }
            )
        national = national_totals_2021()
        comparison = []
        for column, cell in zip(table.indicators, table.total.cells, strict=True):
            reference = national.get(column.code)
            share = (
                round(cell.together / reference["total"] * 100, 2)
                if reference and reference["total"]
                else None
            )
            comparison.append(
                {
                    "indicator": column,
                    "total": cell.together,
                    "entered": cell.entered,
                    "counted": cell.counted,
                    "national": reference["total"] if reference else None,
                    "national_note": reference["note"] if reference else "",
                    "share": share,
                }
            )
        trend_rows = [
            {
                "label": line["label"],
                "entered": line["entered"].get(indicator_code, 0),
                "counted": line["counted"].get(indicator_code, 0),
                "together": line["together"].get(indicator_code, 0),
            }
            for line in trend
        ]
        chart_data = {
            "achievement": achievement,
            "trend": {
                "labels": [line["label"] for line in trend_rows],
                "series": [
                    {"name": _("Together"), "data": [line["together"] for line in trend_rows]},
                    {"name": _("Entered"), "data": [line["entered"] for line in trend_rows]},
                    {"name": _("Counted"), "data": [line["counted"] for line in trend_rows]},
                ],
            },
            "national": [
                {"name": line["indicator"].name, "value": line["share"]}
                for line in comparison
                if line["share"] is not None
            ],
        }
        return super().get_context_data(
            **self.campaign_context(region, "dashboard"),
            table=table,
            total=table.total,
            helped=table.total.cell(selectors.SMES_HELPED),
            total_achievement=achievement_display(table.total.achievement),
            indicator=indicator,
            indicator_choices=table.indicators,
            trend_rows=trend_rows,
            comparison=comparison,
            chart_data=chart_data,
            **kwargs,
        )
