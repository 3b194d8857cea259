"""The reminder settings' events in words, for the audit log (``core.audit``)."""

from django.utils.translation import gettext_lazy as _

from jiliang.core import audit


def register() -> None:
    audit.register_event_types(
        {
            "notifications.reminder_policy.update": _("Reminder settings changed"),
            "notifications.department_contact.add": _("Department contact added"),
            "notifications.department_contact.remove": _("Department contact removed"),
        }
    )
