"""The ledger's panels: on the enterprise's dashboard and on an organisation's 360° page
(registered in ``apps.py``)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from jiliang.core.dashboards import DashboardRole, registry
from jiliang.core.scoping import scope_for
from jiliang.instruments.selectors import ledger_summary


def dashboard_ledger(user, today: date) -> dict:
    """The counts of every ledger the user sees."""
    return {"summary": ledger_summary(user=user, today=today)}


def organisation_ledger(user, organisation) -> dict | None:
    """The counts of the organisation's ledger, for its members (and platform administrators);
    nothing for anyone else: a regulator reads ledgers in aggregate over regions, an
    institution a customer's instruments only inside its orders."""
    scope = scope_for(user)
    if scope is None or not (
        scope.is_platform_admin or organisation.pk in scope.organisation_ids()
    ):
        return None
    return {
        "organisation": organisation,
        "summary": ledger_summary(
            user=user, today=timezone.localdate(), organisation=organisation.pk
        ),
    }


def register() -> None:
    """Called from ``InstrumentsConfig.ready()``."""
    registry.register_panel(
        "instruments.ledger",
        roles=DashboardRole.ENTERPRISE,
        template_name="instruments/_dashboard_ledger.html",
        context=dashboard_ledger,
        order=10,
    )
    registry.register_organisation_panel(
        "instruments.ledger",
        template_name="instruments/_organisation_ledger.html",
        context=organisation_ledger,
        order=10,
    )
