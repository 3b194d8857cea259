"""What the consultations part of the experts app plugs into: demo, navigation, the
enterprise's 360° page, to-dos, audit labels and the campaign counters (person-times of service
from answered consultations, and the enterprises helped by them)."""

from __future__ import annotations

from datetime import date

from django.db.models import IntegerField, Value
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiliang.campaigns.counting import counter, events, helped_source, within
from jiliang.core import audit, demos, navigation
from jiliang.core.dashboards import DashboardRole, Severity, ToDo, registry
from jiliang.experts.models import Consultation
from jiliang.experts.selectors import consultations as selectors
from jiliang.orgs.choices import OrganisationKind

# Campaign counters ------------------------------------------------------------------------------


def _answered(**bounds):
    return within(
        Consultation.objects.filter(region__isnull=False),
        region="region",
        day="answered_at",
        **bounds,
    )


# ``technical_services`` also sums the person-times of visits (needs.hooks.fieldwork).
@counter("technical_services")
def consultations_answered(**bounds):
    """人次: one person-time of service per consultation answered, on the day of its first
    answer, in the asker organisation's region."""
    rows = _answered(**bounds).annotate(person_times=Value(1, output_field=IntegerField()))
    return events(
        rows,
        region="region_id",
        subject="pk",
        day="answered_at",
        amount="person_times",
    )


@helped_source
def enterprises_answered(**bounds):
    """An enterprise was helped on the day a question it asked was first answered."""
    return events(
        _answered(**bounds).filter(organisation__kind=OrganisationKind.ENTERPRISE),
        region="region_id",
        subject="organisation_id",
        day="answered_at",
    )


# The enterprise's 360° page ---------------------------------------------------------------------

PANEL_ROWS = 5


def organisation_consultations(user, organisation) -> dict | None:
    """The latest questions the organisation asked, as far as the user sees them."""
    shown = list(
        selectors.organisation_consultations(user=user, organisation=organisation)[:PANEL_ROWS]
    )
    if not shown:
        return None
    return {"organisation": organisation, "consultations": shown}


# Dashboard to-dos -------------------------------------------------------------------------------


def todos(user, today: date) -> list[ToDo]:
    """For an expert, the questions awaiting their answer (the overdue apart); for an asker,
    the answers to accept."""
    counts = selectors.todo_counts(user=user, today=today)
    inbox = reverse("consultations:inbox")
    return [
        ToDo(
            label=_("Questions overdue for your answer"),
            count=counts["overdue"],
            url=inbox,
            severity=Severity.DANGER,
        ),
        ToDo(
            label=_("Questions awaiting your answer"),
            count=counts["waiting"],
            url=inbox,
            severity=Severity.WARNING,
        ),
        ToDo(
            label=_("Answers to your questions to accept"),
            count=counts["to_accept"],
            url=reverse("consultations:list"),
            severity=Severity.INFO,
        ),
    ]


# Registration -----------------------------------------------------------------------------------

AUDIT_LABELS = {
    "experts.consultation.asked": gettext_lazy("Question asked"),
    "experts.consultation.escalated": gettext_lazy("Question escalated to an expert group"),
    "experts.consultation.answered": gettext_lazy("Question answered"),
    "experts.consultation.followed_up": gettext_lazy("Follow-up question asked"),
    "experts.consultation.accepted": gettext_lazy("Answer accepted and rated"),
    "experts.consultation.reassigned": gettext_lazy("Question reassigned"),
    "experts.consultation.closed": gettext_lazy("Consultation closed"),
}
ROLES = frozenset(DashboardRole) - {DashboardRole.ADMINISTRATOR}


def register() -> None:
    """Called from ``ExpertsConfig.ready()``."""
    audit.register_event_types(AUDIT_LABELS)
    demos.registry.register(
        "experts.consultations", "jiliang.experts.demos.consultations.load", order=52
    )
    navigation.register(
        navigation.Section(
            "consultations",
            gettext_lazy("Consultation 直通车"),
            "chat-dots",
            ROLES,
            "consultations:list",
            order=44,
        )
    )
    registry.register_organisation_panel(
        "experts.consultations",
        template_name="experts/consultations/_organisation_consultations.html",
        context=organisation_consultations,
        order=42,
    )
    registry.register_todos("experts.consultations", todos, roles=ROLES, order=42)
