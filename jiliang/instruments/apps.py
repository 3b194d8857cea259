from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstrumentsConfig(AppConfig):
    name = "jiliang.instruments"
    label = "instruments"
    verbose_name = _("Instrument ledger")

    def ready(self):
        from jiliang.core import demos, documents, navigation
        from jiliang.core.roles import DashboardRole
        from jiliang.instruments import audit_labels, panels, todos

        audit_labels.register()  # its events in words (core.audit)

        todos.register()  # the enterprise dashboard's to-dos (core.dashboards)
        panels.register()  # the dashboard's and the 360° page's ledger panels
        demos.registry.register("instruments", "jiliang.instruments.demo.load", order=20)
        documents.registry.register(  # label sheets too large to make while the user waits
            "instruments.labels", "jiliang.instruments.label_jobs.build_label_job"
        )

        navigation.register(
            navigation.Section(
                "instruments",
                _("Instrument ledger"),
                "rulers",
                frozenset({DashboardRole.ENTERPRISE, DashboardRole.REGULATOR}),
                "instruments:instrument_list",
                order=10,
            )
        )
