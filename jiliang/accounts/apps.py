from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jiliang.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from jiliang.accounts import audit_labels

        audit_labels.register()  # its events in words (core.audit)
