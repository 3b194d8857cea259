"""The enterprise database on the dashboards and the 360° page (registered in ``apps.py``):
the profile as the page's first section, and the registrations waiting for a bureau."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from jiliang.core.dashboards import DashboardRole, Severity, ToDo, registry
from jiliang.orgs.enterprise_models import EnterpriseProfile
from jiliang.orgs.enterprise_selectors import registrations_to_decide


def organisation_profile(user, organisation) -> dict | None:
    """The enterprise's profile, for whoever sees it (its members, the bureaus above)."""
    profile = (
        EnterpriseProfile.objects.visible_to(user)
        .filter(organisation=organisation)
        .prefetch_related("tags")
        .first()
    )
    if profile is None:
        return None
    return {
        "organisation": organisation,
        "profile": profile,
        "tags": [tag.name for tag in profile.tags.all()],
        "can_edit": EnterpriseProfile.objects.editable_by(user).filter(pk=profile.pk).exists(),
    }


def registration_todos(user, today: date) -> list[ToDo]:
    return [
        ToDo(
            label=_("Enterprise registrations to confirm"),
            count=registrations_to_decide(user=user).count(),
            url=reverse("orgs:registration_list"),
            severity=Severity.WARNING,
        )
    ]


def register() -> None:
    """Called from ``OrgsConfig.ready()``."""
    registry.register_organisation_panel(
        "orgs.profile",
        template_name="orgs/_profile_panel.html",
        context=organisation_profile,
        order=0,
    )
    registry.register_todos(
        "orgs.registrations",
        registration_todos,
        roles=DashboardRole.REGULATOR,
        order=5,
    )
