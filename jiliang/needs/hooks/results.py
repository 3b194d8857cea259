"""What the results part of the needs app plugs into: the navigation, and the document kind
of large exports."""

from django.utils.translation import gettext_lazy

from jiliang.core import documents, navigation
from jiliang.core.roles import DashboardRole


def register() -> None:
    """Called from ``NeedsConfig.ready()``."""
    documents.registry.register(
        "needs.responses_xlsx", "jiliang.needs.export_jobs.build_export_job"
    )
    navigation.register(
        navigation.Section(
            "survey_results",
            gettext_lazy("Survey results"),
            "bar-chart-line",
            frozenset(
                {DashboardRole.REGULATOR, DashboardRole.INSTITUTION, DashboardRole.ADMINISTRATOR}
            ),
            "survey_results:index",
            order=42,
        )
    )
