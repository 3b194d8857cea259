"""Which dashboard a user lands on, derived from their memberships."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DashboardRole(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    INSTITUTION = "institution", _("Metrology institution")
    EXPERT = "expert", _("Expert")
    REGULATOR = "regulator", _("Regulator")
    ADMINISTRATOR = "administrator", _("Platform administrator")


def dashboard_role(user, memberships) -> DashboardRole:
    """Platform staff administer; otherwise the most far-reaching membership decides."""
    if user.is_staff:
        return DashboardRole.ADMINISTRATOR
    kinds = {membership.organisation.kind for membership in memberships}
    if "regulator" in kinds:
        return DashboardRole.REGULATOR
    if any(membership.role == "expert" for membership in memberships):
        return DashboardRole.EXPERT
    if "institution" in kinds:
        return DashboardRole.INSTITUTION
    return DashboardRole.ENTERPRISE
