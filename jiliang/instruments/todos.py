"""The ledger's to-dos on the enterprise's dashboard (registered in ``apps.py``)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from jiliang.core.dashboards import DashboardRole, Severity, ToDo, registry
from jiliang.instruments.choices import InstrumentStatus
from jiliang.instruments.models import Instrument

DUE_SOON_DAYS = 30


def due_counts(*, user, today: date, within_days: int = DUE_SOON_DAYS) -> dict[str, int]:
    """Of the instruments the user sees, not retired: how many are overdue, how many fall due
    from today to ``within_days`` days ahead (as the ledger list's ``overdue`` and
    ``due_within`` filters count them), and how many are used for one of the four purposes of
    计量法 §9 without a catalogue item that decides mandatory verification (its ``undecided``
    filter). One query, reading only the rows due by then (the ``organisation, next_due``
    index) and those without a deciding catalogue item."""
    horizon = today + timedelta(days=within_days)
    undecided = Instrument.objects.undecided_condition()
    return (
        Instrument.objects.visible_to(user)
        .filter(Q(next_due__lte=horizon) | undecided)
        .exclude(status=InstrumentStatus.RETIRED)
        .aggregate(
            overdue=Count("pk", filter=Q(next_due__lt=today)),
            due_soon=Count("pk", filter=Q(next_due__gte=today, next_due__lte=horizon)),
            undecided=Count("pk", filter=undecided),
        )
    )


def ledger_todos(user, today: date) -> list[ToDo]:
    counts = due_counts(user=user, today=today)
    ledger = reverse("instruments:instrument_list")
    return [
        ToDo(
            label=_("Instruments overdue for verification or calibration"),
            count=counts["overdue"],
            url=f"{ledger}?overdue=on&sort=due",
            severity=Severity.DANGER,
        ),
        ToDo(
            label=_("Instruments due within %(days)s days") % {"days": DUE_SOON_DAYS},
            count=counts["due_soon"],
            url=f"{ledger}?due_within={DUE_SOON_DAYS}&sort=due",
            severity=Severity.WARNING,
        ),
        ToDo(
            label=_(
                "Instruments whose mandatory verification cannot be decided: choose their "
                "catalogue item"
            ),
            count=counts["undecided"],
            url=f"{ledger}?mandatory=undecided",
            severity=Severity.INFO,
        ),
    ]


def register() -> None:
    """Called from ``InstrumentsConfig.ready()``."""
    registry.register_todos(
        "instruments.due", ledger_todos, roles=DashboardRole.ENTERPRISE, order=10
    )
