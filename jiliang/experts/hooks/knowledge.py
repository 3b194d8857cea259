"""What the knowledge part of the experts app plugs into: demo, navigation, audit labels and
the bureau's to-do of accepted public answers not yet in the knowledge base."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiliang.core import audit, demos, navigation
from jiliang.core.dashboards import DashboardRole, Severity, ToDo, registry
from jiliang.experts.selectors import knowledge as selectors

AUDIT_LABELS = {
    "experts.knowledgeentry.created": gettext_lazy("Common question written"),
    "experts.knowledgeentry.updated": gettext_lazy("Common question changed"),
    "experts.typicalcase.published": gettext_lazy("Typical case published"),
    "experts.typicalcase.updated": gettext_lazy("Typical case changed"),
}


def bureau_todos(user, today: date) -> list[ToDo]:
    return [
        ToDo(
            label=_("Accepted public answers not yet in the common questions"),
            count=selectors.answers_to_collect(user=user).count(),
            url=reverse("knowledge:collect"),
            severity=Severity.INFO,
        )
    ]


def register() -> None:
    """Called from ``ExpertsConfig.ready()``."""
    audit.register_event_types(AUDIT_LABELS)
    demos.registry.register("experts.knowledge", "jiliang.experts.demos.knowledge.load", order=53)
    navigation.register(
        navigation.Section(
            "knowledge",
            gettext_lazy("Common questions"),
            "search",
            navigation.ALL_ROLES,
            "knowledge:search",
            # After the registry's "experts" (45), as core's navigation test lists them.
            order=46,
        )
    )
    registry.register_todos(
        "experts.knowledge.bureau", bureau_todos, roles=DashboardRole.REGULATOR, order=44
    )
