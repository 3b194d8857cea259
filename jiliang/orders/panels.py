"""The orders' panels on the dashboards (registered in ``apps.py``)."""

from __future__ import annotations

from datetime import date

from jiliang.core.dashboards import DashboardRole, registry


def regulator_statistics(user, today: date) -> dict:
    """A link to the order statistics of the regulator's region (the page counts)."""
    return {}


def register() -> None:
    """Called from ``OrdersConfig.ready()``."""
    registry.register_panel(
        "orders.statistics",
        roles=DashboardRole.REGULATOR,
        template_name="orders/_dashboard_statistics.html",
        context=regulator_statistics,
        order=90,
    )
