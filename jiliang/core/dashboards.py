"""What the role dashboards and the enterprise's 360° page show of the apps above ``core``.

``core`` knows no app above it (architecture.md, "Extension points"): each app fills these
registries from its ``AppConfig.ready()``:

- **to-dos** per dashboard role: a provider ``(user, today) -> list[ToDo]``, each to-do a label,
  a count, a link and a severity. The dashboard lists those with a count above zero, providers
  by ``order`` (then key), each provider's to-dos in the order it gives them;
- **dashboard panels** per role: a template and a context function ``(user, today) -> dict |
  None``, shown by ``order`` (then key); ``None`` leaves the panel out;
- **organisation panels**, the sections of an organisation's 360° page: a template and a
  context function ``(user, organisation) -> dict | None``, shown by ``order`` (then key).

A panel's template reads its context function's dict as ``panel`` (besides the page's own
context). Registering the same thing again under its key changes nothing (``ready()`` may run
twice); registering something else under a key taken is an error (two apps claiming one key),
as in ``core.navigation``. Providers and context functions read through the app's selectors,
which start from ``visible_to(user)``, in a few queries whatever the amount of data.

    # jiliang/things/apps.py
    def ready(self):
        from jiliang.core.dashboards import DashboardRole, registry
        from jiliang.things import todos

        registry.register_todos(
            "things.overdue", todos.overdue_things, roles=DashboardRole.ENTERPRISE, order=30
        )
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiliang.core.roles import DashboardRole

__all__ = [
    "DashboardPanel",
    "DashboardRole",
    "OrganisationPanel",
    "Registry",
    "Severity",
    "ShownPanel",
    "ToDo",
    "ToDoProvider",
    "registry",
]


class Severity(models.TextChoices):
    """How pressing a to-do is; the value is also the Bootstrap colour of its badge."""

    DANGER = "danger", _("Urgent")
    WARNING = "warning", _("Soon")
    INFO = "info", _("For information")


ICONS = {
    Severity.DANGER: "exclamation-octagon",
    Severity.WARNING: "exclamation-triangle",
    Severity.INFO: "info-circle",
}


@dataclass(frozen=True)
class ToDo:
    """Something the user should act on: ``count`` things behind ``url``."""

    label: str | Promise
    count: int
    url: str
    severity: str = Severity.INFO

    def __post_init__(self):
        if self.severity not in Severity.values:
            raise ValueError(f"Unknown severity {self.severity!r}: one of {Severity.values}.")

    @property
    def severity_label(self) -> str:
        return Severity(self.severity).label

    @property
    def icon(self) -> str:
        return ICONS[Severity(self.severity)]


@dataclass(frozen=True)
class ToDoProvider:
    key: str
    roles: frozenset[DashboardRole]
    provide: Callable[[object, date], Iterable[ToDo]]
    order: int = 100


@dataclass(frozen=True)
class DashboardPanel:
    key: str
    roles: frozenset[DashboardRole]
    template_name: str
    context: Callable[[object, date], dict | None]
    order: int = 100


@dataclass(frozen=True)
class OrganisationPanel:
    key: str
    template_name: str
    context: Callable[[object, object], dict | None]
    order: int = 100


@dataclass(frozen=True)
class ShownPanel:
    """A panel to render: ``{% include shown.template_name with panel=shown.context %}``."""

    key: str
    template_name: str
    context: dict


def _roles(roles) -> frozenset[DashboardRole]:
    if isinstance(roles, str):
        roles = [roles]
    chosen = frozenset(DashboardRole(role) for role in roles)  # ValueError for an unknown role
    if not chosen:
        raise ValueError("Register for at least one dashboard role.")
    return chosen


def _by_order(entries):
    return sorted(entries, key=lambda entry: (entry.order, entry.key))


class Registry:
    """The to-dos and panels the apps registered. The project has one, ``registry``; tests
    may build their own."""

    def __init__(self):
        self._todos: dict[str, ToDoProvider] = {}
        self._panels: dict[str, DashboardPanel] = {}
        self._organisation_panels: dict[str, OrganisationPanel] = {}

    @staticmethod
    def _add(entries: dict, entry):
        existing = entries.get(entry.key)
        if existing is not None and existing != entry:
            raise ImproperlyConfigured(f"{entry.key!r} is already registered: {existing}.")
        entries[entry.key] = entry
        return entry

    # Registration (AppConfig.ready) -------------------------------------------------------------

    def register_todos(
        self,
        key: str,
        provide: Callable[[object, date], Iterable[ToDo]],
        *,
        roles,
        order: int = 100,
    ) -> ToDoProvider:
        """Add a to-do provider for ``roles`` (a DashboardRole or several)."""
        provider = ToDoProvider(key=key, roles=_roles(roles), provide=provide, order=order)
        return self._add(self._todos, provider)

    def register_panel(
        self,
        key: str,
        *,
        roles,
        template_name: str,
        context: Callable[[object, date], dict | None],
        order: int = 100,
    ) -> DashboardPanel:
        """Add a panel to the dashboards of ``roles``."""
        panel = DashboardPanel(
            key=key,
            roles=_roles(roles),
            template_name=template_name,
            context=context,
            order=order,
        )
        return self._add(self._panels, panel)

    def register_organisation_panel(
        self,
        key: str,
        *,
        template_name: str,
        context: Callable[[object, object], dict | None],
        order: int = 100,
    ) -> OrganisationPanel:
        """Add a section to an organisation's 360° page."""
        panel = OrganisationPanel(
            key=key, template_name=template_name, context=context, order=order
        )
        return self._add(self._organisation_panels, panel)

    def unregister(self, key: str) -> None:
        """Remove whatever is registered under ``key`` (tests)."""
        for entries in (self._todos, self._panels, self._organisation_panels):
            entries.pop(key, None)

    # Reading (the pages) ------------------------------------------------------------------------

    def todo_providers(self, role) -> list[ToDoProvider]:
        return _by_order(p for p in self._todos.values() if DashboardRole(role) in p.roles)

    def dashboard_panels(self, role) -> list[DashboardPanel]:
        return _by_order(p for p in self._panels.values() if DashboardRole(role) in p.roles)

    def organisation_panels(self) -> list[OrganisationPanel]:
        return _by_order(self._organisation_panels.values())

    def todos(self, user, role, today: date) -> list[ToDo]:
        """The user's to-dos on the dashboard of ``role``; those counting nothing are left out."""
        return [
            todo
            for provider in self.todo_providers(role)
            for todo in provider.provide(user, today)
            if todo.count > 0
        ]

    def panels(self, user, role, today: date) -> list[ShownPanel]:
        """The panels of ``role``'s dashboard with their context, those answering None left out."""
        return _shown((panel, panel.context(user, today)) for panel in self.dashboard_panels(role))

    def organisation_page(self, user, organisation) -> list[ShownPanel]:
        """The sections of ``organisation``'s 360° page for ``user``; the page renders them with
        ``{% include "core/_panels.html" with panels=... %}``, as the dashboards do."""
        return _shown(
            (panel, panel.context(user, organisation)) for panel in self.organisation_panels()
        )


def _shown(pairs) -> list[ShownPanel]:
    return [
        ShownPanel(key=panel.key, template_name=panel.template_name, context=context)
        for panel, context in pairs
        if context is not None
    ]


registry = Registry()
