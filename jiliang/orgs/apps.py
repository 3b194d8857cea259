from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "jiliang.orgs"
    label = "orgs"
    verbose_name = _("Regions and organisations")

    def ready(self):
        from jiliang.core import navigation
        from jiliang.core.roles import DashboardRole
        from jiliang.orgs import audit_labels

        audit_labels.register()  # its events in words (core.audit)

        navigation.register(
            navigation.Section(
                "organisations",
                _("Organisations"),
                "people",
                navigation.ALL_ROLES,
                "orgs:organisation_list",
                order=70,
            )
        )
        navigation.register(
            navigation.Section(
                "regions",
                _("Regions"),
                "map",
                frozenset({DashboardRole.REGULATOR, DashboardRole.ADMINISTRATOR}),
                "orgs:region_list",
                order=80,
            )
        )
