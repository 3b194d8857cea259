from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "jiliang.orgs"
    label = "orgs"
    verbose_name = _("Regions and organisations")

    def ready(self):
        from jiliang.core import navigation
        from jiliang.core.roles import DashboardRole
        from jiliang.orgs import audit_labels, panels

        audit_labels.register()  # its events in words (core.audit)
        panels.register()  # the profile on the 360° page, registrations to confirm

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
        navigation.register(
            navigation.Section(
                "enterprises",
                _("Enterprises"),
                "buildings",
                frozenset({DashboardRole.REGULATOR, DashboardRole.ADMINISTRATOR}),
                "orgs:enterprise_list",
                order=65,
            )
        )
