from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "jiliang.campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from jiliang.campaigns import audit_labels, todos

        audit_labels.register()  # its events in words (core.audit)
        from jiliang.core import demos, navigation
        from jiliang.core.roles import DashboardRole

        todos.register()  # the bureau's to-dos (core.dashboards)
        # Last: the campaigns count what the other demos created.
        demos.registry.register("campaigns", "jiliang.campaigns.demo.load", order=60)

        navigation.register(
            navigation.Section(
                "campaigns",
                _("Campaign and statistics"),
                "bar-chart-line",
                frozenset({DashboardRole.REGULATOR, DashboardRole.ADMINISTRATOR}),
                "campaigns:campaign_list",
                order=60,
            )
        )
