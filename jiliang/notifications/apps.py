from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "jiliang.notifications"
    label = "notifications"
    verbose_name = _("Notifications and reminders")

    def ready(self):
        from jiliang.core import demos
        from jiliang.notifications import audit_labels

        audit_labels.register()  # its events in words (core.audit)

        # Last: the reminders are of the ledgers' final due dates, after the orders (40) have
        # verified instruments and every other part that may change the ledgers.
        demos.registry.register("notifications", "jiliang.notifications.demo.load", order=90)
