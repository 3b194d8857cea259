"""What the fieldwork part of the needs app plugs into: demo, navigation, the enterprise's 360°
page, to-dos, audit labels, the enterprise search's filters and the campaign counters (service
teams formed, enterprises visited, materials handed out, person-times of service, and the
enterprises helped on the spot)."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiliang.campaigns.counting import counter, events, helped_source, within
from jiliang.core import audit, demos, navigation
from jiliang.core.dashboards import DashboardRole, Severity, ToDo, registry
from jiliang.core.scoping import scope_for
from jiliang.needs.choices import OPEN_NEED_STATUSES, NeedUrgency
from jiliang.needs.models import Need, ServiceTeam, Visit
from jiliang.needs.selectors import fieldwork as selectors
from jiliang.orgs import enterprise_filters

# Campaign counters ------------------------------------------------------------------------------


def _visits(**bounds):
    return within(Visit.objects.all(), region="enterprise__region", day="visited_on", **bounds)


@counter("service_teams")
def teams_formed(**bounds):
    """A service team, counted in its bureau's region on the day it was formed."""
    teams = within(ServiceTeam.objects.all(), region="bureau__region", day="formed_on", **bounds)
    return events(teams, region="bureau__region_id", subject="pk", day="formed_on")


@counter("enterprises_visited")
def enterprises_visited(**bounds):
    """An enterprise visited, distinct per period and over the campaign."""
    return events(
        _visits(**bounds), region="enterprise__region_id", subject="enterprise_id", day="visited_on"
    )


@counter("promo_materials")
def materials_handed_out(**bounds):
    """份: the materials handed out in visits, summed."""
    return events(
        _visits(**bounds).filter(materials_handed_out__gt=0),
        region="enterprise__region_id",
        subject="pk",
        day="visited_on",
        amount="materials_handed_out",
    )


@counter("technical_services")
def services_on_the_spot(**bounds):
    """人次: the person-times of service given in visits, summed."""
    return events(
        _visits(**bounds).filter(service_person_times__gt=0),
        region="enterprise__region_id",
        subject="pk",
        day="visited_on",
        amount="service_person_times",
    )


@helped_source
def helped_on_the_spot(**bounds):
    """An enterprise was helped on the day a visit gave it a service on the spot."""
    return events(
        _visits(**bounds).filter(service_person_times__gt=0),
        region="enterprise__region_id",
        subject="enterprise_id",
        day="visited_on",
    )


# The enterprise search's filters ----------------------------------------------------------------


def never_visited(enterprises, value):
    return enterprises.exclude(Exists(Visit.objects.filter(enterprise=OuterRef("pk"))))


def has_open_needs(enterprises, value):
    return enterprises.filter(
        Exists(Need.objects.filter(enterprise=OuterRef("pk"), status__in=OPEN_NEED_STATUSES))
    )


# The enterprise's 360° page ---------------------------------------------------------------------

PANEL_ROWS = 5


def organisation_visits(user, organisation) -> dict | None:
    """The latest visits to an enterprise, for whoever sees them."""
    visits = selectors.visit_list(user=user, enterprise=organisation)
    shown = list(visits[: PANEL_ROWS + 1])
    if not shown:
        return None
    return {
        "organisation": organisation,
        "visits": shown[:PANEL_ROWS],
        "more": len(shown) > PANEL_ROWS,
    }


def organisation_needs(user, organisation) -> dict | None:
    """The enterprise's open needs first, for whoever sees them."""
    needs = selectors.need_list(user=user, filters={"enterprise": organisation})
    shown = list(needs.order_by("status", "-created")[: PANEL_ROWS + 1])
    if not shown:
        return None
    return {
        "organisation": organisation,
        "needs": shown[:PANEL_ROWS],
        "more": len(shown) > PANEL_ROWS,
    }


# Dashboard to-dos -------------------------------------------------------------------------------


def member_todos(user, today: date) -> list[ToDo]:
    return [
        ToDo(
            label=_("Assigned enterprises not visited yet"),
            count=selectors.not_yet_visited(user=user),
            url=reverse("fieldwork:team_list"),
            severity=Severity.INFO,
        )
    ]


def bureau_todos(user, today: date) -> list[ToDo]:
    scope = scope_for(user)
    if scope is None or not scope.regulated_region_ids:
        return []
    return [
        ToDo(
            label=_("Urgent needs still open"),
            count=selectors.open_urgent_needs(user=user),
            url=f"{reverse('fieldwork:need_list')}?open=1&urgency={NeedUrgency.HIGH}",
            severity=Severity.WARNING,
        )
    ]


# Registration -----------------------------------------------------------------------------------

AUDIT_LABELS = {
    "needs.serviceteam.created": gettext_lazy("Service team formed"),
    "needs.serviceteam.updated": gettext_lazy("Service team changed"),
    "needs.serviceteam.deactivated": gettext_lazy("Service team deactivated"),
    "needs.visit.created": gettext_lazy("Visit recorded"),
    "needs.visit.updated": gettext_lazy("Visit corrected"),
    "needs.need.created": gettext_lazy("Need raised"),
    "needs.need.status_changed": gettext_lazy("Need status changed"),
    "needs.need.order_linked": gettext_lazy("Need linked to an order"),
}
TEAM_ROLES = frozenset({DashboardRole.REGULATOR, DashboardRole.INSTITUTION, DashboardRole.EXPERT})


def register() -> None:
    """Called from ``NeedsConfig.ready()``."""
    audit.register_event_types(AUDIT_LABELS)
    audit.register_change_labels(
        "needs.serviceteam",
        {"members": gettext_lazy("Members"), "enterprises": gettext_lazy("Assigned enterprises")},
    )
    demos.registry.register("needs.fieldwork", "jiliang.needs.demos.fieldwork.load", order=47)
    navigation.register(
        navigation.Section(
            "service_teams",
            gettext_lazy("Service teams"),
            "people",
            TEAM_ROLES,
            "fieldwork:team_list",
            order=30,
        )
    )
    navigation.register(
        navigation.Section(
            # Core's coming "needs" section: problems and consultations join it later.
            "needs",
            gettext_lazy("Needs"),
            "chat-square-text",
            TEAM_ROLES | {DashboardRole.ENTERPRISE},
            "fieldwork:need_list",
            order=40,
        )
    )
    registry.register_organisation_panel(
        "needs.visits",
        template_name="needs/fieldwork/_organisation_visits.html",
        context=organisation_visits,
        order=30,
    )
    registry.register_organisation_panel(
        "needs.needs",
        template_name="needs/fieldwork/_organisation_needs.html",
        context=organisation_needs,
        order=31,
    )
    registry.register_todos(
        "needs.fieldwork.member",
        member_todos,
        roles=[DashboardRole.INSTITUTION, DashboardRole.EXPERT],
        order=30,
    )
    registry.register_todos(
        "needs.fieldwork.bureau", bureau_todos, roles=DashboardRole.REGULATOR, order=30
    )
    enterprise_filters.register("never_visited", gettext_lazy("Never visited"), never_visited)
    enterprise_filters.register("open_needs", gettext_lazy("Has open needs"), has_open_needs)
