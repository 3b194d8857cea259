"""The main navigation, one entry per section, shown to the roles that use it.

A section whose app has not landed yet has no ``url_name``: it is listed, marked as coming,
so that users see the shape of the platform. An app that lands fills in its ``url_name``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiliang.core.roles import DashboardRole

ALL_ROLES = frozenset(DashboardRole)


@dataclass(frozen=True)
class Section:
    key: str
    label: str | Promise
    icon: str
    roles: frozenset[DashboardRole]
    url_name: str | None = None

    @property
    def url(self) -> str | None:
        return reverse(self.url_name) if self.url_name else None


SECTIONS = [
    Section("dashboard", _("Dashboard"), "speedometer2", ALL_ROLES, "core:dashboard"),
    Section(
        "instruments",
        _("Instrument ledger"),
        "rulers",
        frozenset({DashboardRole.ENTERPRISE, DashboardRole.REGULATOR}),
        "instruments:instrument_list",
    ),
    Section(
        "orders",
        _("Verification and approvals"),
        "clipboard-check",
        frozenset({DashboardRole.ENTERPRISE, DashboardRole.INSTITUTION, DashboardRole.REGULATOR}),
        "orders:order_list",
    ),
    Section(
        "sharing",
        _("Open labs and shared instruments"),
        "building",
        frozenset({DashboardRole.ENTERPRISE, DashboardRole.INSTITUTION, DashboardRole.REGULATOR}),
    ),
    Section(
        "needs",
        _("Needs, problems and consultations"),
        "chat-square-text",
        ALL_ROLES - {DashboardRole.ADMINISTRATOR},
    ),
    Section("learning", _("Public courses"), "mortarboard", ALL_ROLES),
    Section(
        "campaigns",
        _("Campaign and statistics"),
        "bar-chart-line",
        frozenset({DashboardRole.REGULATOR, DashboardRole.ADMINISTRATOR}),
        "campaigns:campaign_list",
    ),
    Section(
        "organisations",
        _("Organisations"),
        "people",
        ALL_ROLES,
        "orgs:organisation_list",
    ),
    Section(
        "regions",
        _("Regions"),
        "map",
        frozenset({DashboardRole.REGULATOR, DashboardRole.ADMINISTRATOR}),
        "orgs:region_list",
    ),
]


def sections_for(role: DashboardRole) -> list[Section]:
    return [section for section in SECTIONS if role in section.roles]


def active_section_key(sections: list[Section], path: str) -> str | None:
    """The section whose URL is the longest prefix of ``path`` (the dashboard only at "/")."""

    def matches(section: Section) -> bool:
        if not section.url:
            return False
        return path == section.url or (section.url != "/" and path.startswith(section.url))

    candidates = [section for section in sections if matches(section)]
    return max(candidates, key=lambda section: len(section.url)).key if candidates else None
