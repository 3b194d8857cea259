"""The accounts' events in words, for the audit log (``core.audit``)."""

from django.utils.translation import gettext_lazy as _

from jiliang.core import audit


def register() -> None:
    audit.register_event_types(
        {
            "accounts.user.created": _("Account created"),
            "accounts.user.updated": _("Account changed"),
            "accounts.password.changed": _("Password changed"),
            "accounts.token.created": _("API token created"),
            "accounts.token.revoked": _("API token revoked"),
        }
    )
