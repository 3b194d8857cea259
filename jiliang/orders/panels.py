"""The orders' panels on the dashboards and on an enterprise's 360° page (registered in
``apps.py``)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from jiliang.core.dashboards import DashboardRole, registry
from jiliang.orders.stats import enterprise_summary
from jiliang.orders.views.base import rows_for_display
from jiliang.orgs.choices import OrganisationKind


def regulator_statistics(user, today: date) -> dict:
    """A link to the order statistics of the regulator's region (the page counts)."""
    return {}


def organisation_orders(user, organisation) -> dict | None:
    """An enterprise's orders on its 360° page (counts; the latest ones for those who see
    them)."""
    if organisation.kind != OrganisationKind.ENTERPRISE:
        return None
    today = timezone.localdate()
    summary = enterprise_summary(user=user, enterprise=organisation, today=today)
    if summary is not None:
        rows_for_display(summary["latest"], today)
    return summary


def register() -> None:
    """Called from ``OrdersConfig.ready()``."""
    registry.register_panel(
        "orders.statistics",
        roles=DashboardRole.REGULATOR,
        template_name="orders/_dashboard_statistics.html",
        context=regulator_statistics,
        order=90,
    )
    registry.register_organisation_panel(
        "orders.enterprise",
        template_name="orders/_organisation_orders.html",
        context=organisation_orders,
        order=15,
    )
