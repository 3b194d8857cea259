"""The main navigation: a registry of sections, each shown to the roles that use it.

Core keeps the dashboard and the sections whose apps have not landed yet: those have no
``url_name`` and are listed, marked as coming, so that users see the shape of the platform.
Every other section belongs to the app that serves it, which registers it in its
``AppConfig.ready()``; core imports none of them::

    class OrdersConfig(AppConfig):
        def ready(self):
            from jiliang.core import navigation
            from jiliang.core.roles import DashboardRole

            navigation.register(
                navigation.Section(
                    "orders", _("Verification and approvals"), "clipboard-check",
                    frozenset({DashboardRole.ENTERPRISE}), "orders:order_list", order=20,
                )
            )

Sections are listed by ``order`` (then by key). A section registered with the key of a coming
one takes its place; registering the same key again with a different section is an error (two
apps claiming one entry), the same section again is harmless (``ready()`` may run twice).
To send two roles to different pages, register two sections with their own keys and roles.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiliang.core.roles import DashboardRole

ALL_ROLES = frozenset(DashboardRole)


@dataclass(frozen=True)
class Section:
    key: str
    label: str | Promise
    icon: str  # a Bootstrap Icons name, without "bi-"
    roles: frozenset[DashboardRole]
    url_name: str | None = None  # None: the app has not landed, the section is coming
    order: int = 100

    @property
    def coming(self) -> bool:
        return self.url_name is None

    @property
    def url(self) -> str | None:
        return reverse(self.url_name) if self.url_name else None


class Registry:
    """Sections by key; an app's section replaces the coming one of the same key."""

    def __init__(self, sections: tuple[Section, ...] = ()):
        self._sections: dict[str, Section] = {}
        for section in sections:
            self.register(section)

    def register(self, section: Section) -> Section:
        existing = self._sections.get(section.key)
        if existing is not None and not existing.coming and existing != section:
            raise ImproperlyConfigured(
                f"Navigation section {section.key!r} is already registered ({existing.url_name})."
            )
        self._sections[section.key] = section
        return section

    def sections(self) -> list[Section]:
        return sorted(self._sections.values(), key=lambda section: (section.order, section.key))

    def sections_for(self, role: DashboardRole) -> list[Section]:
        return [section for section in self.sections() if role in section.roles]


# Core's own sections: the dashboard, and those still to come (their apps replace them).
CORE_SECTIONS = (
    Section("dashboard", _("Dashboard"), "speedometer2", ALL_ROLES, "core:dashboard", order=0),
    Section(
        "sharing",
        _("Open labs and shared instruments"),
        "building",
        frozenset({DashboardRole.ENTERPRISE, DashboardRole.INSTITUTION, DashboardRole.REGULATOR}),
        order=30,
    ),
    Section(
        "needs",
        _("Needs, problems and consultations"),
        "chat-square-text",
        ALL_ROLES - {DashboardRole.ADMINISTRATOR},
        order=40,
    ),
    Section("learning", _("Public courses"), "mortarboard", ALL_ROLES, order=50),
)

registry = Registry(CORE_SECTIONS)
register = registry.register
sections = registry.sections
sections_for = registry.sections_for


def active_section_key(sections: list[Section], path: str) -> str | None:
    """The section whose URL is the longest prefix of ``path`` (the dashboard only at "/")."""

    def matches(section: Section) -> bool:
        if not section.url:
            return False
        return path == section.url or (section.url != "/" and path.startswith(section.url))

    candidates = [section for section in sections if matches(section)]
    return max(candidates, key=lambda section: len(section.url)).key if candidates else None
