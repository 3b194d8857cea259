from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "jiliang.orders"
    label = "orders"
    verbose_name = _("Service orders")

    def ready(self):
        from jiliang.core import demos, navigation
        from jiliang.core.roles import DashboardRole
        from jiliang.instruments import actions
        from jiliang.orders import audit_labels, instrument_actions, panels, todos

        audit_labels.register()  # its events in words (core.audit)
        todos.register()  # the enterprise's and the institution's to-dos (core.dashboards)
        actions.register("orders.send", instrument_actions.send_for_service, order=20)
        panels.register()  # the regulator dashboard's link to the statistics
        demos.registry.register("orders", "jiliang.orders.demo.load", order=40)

        # The institution works its queue; a regulator sees statistics, never the orders.
        navigation.register(
            navigation.Section(
                "orders_queue",
                _("Order queue"),
                "list-ol",
                frozenset({DashboardRole.INSTITUTION}),
                "orders:queue",
                order=19,
            )
        )
        navigation.register(
            navigation.Section(
                "orders",
                _("Verification and approvals"),
                "clipboard-check",
                frozenset({DashboardRole.ENTERPRISE, DashboardRole.INSTITUTION}),
                "orders:order_list",
                order=20,
            )
        )
        navigation.register(
            navigation.Section(
                "orders_statistics",
                _("Order statistics"),
                "graph-up",
                frozenset({DashboardRole.REGULATOR}),
                "orders_statistics:index",
                order=21,
            )
        )
