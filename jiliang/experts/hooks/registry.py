"""What the registry part of the experts app plugs into: the navigation, the audit trail's
words and the demo."""

from django.utils.translation import gettext_lazy

from jiliang.core import audit, demos, navigation
from jiliang.core.roles import DashboardRole

AUDIT_LABELS = {
    "experts.expert.created": gettext_lazy("Expert registered"),
    "experts.expert.updated": gettext_lazy("Expert's profile changed"),
    "experts.expert.availability_changed": gettext_lazy("Expert's availability changed"),
    "experts.expertgroup.created": gettext_lazy("Expert group formed"),
    "experts.expertgroup.updated": gettext_lazy("Expert group changed"),
}
REGISTRY_ROLES = frozenset(
    {
        DashboardRole.REGULATOR,
        DashboardRole.EXPERT,
        DashboardRole.INSTITUTION,
        DashboardRole.ENTERPRISE,
    }
)


def register() -> None:
    """Called from ``ExpertsConfig.ready()``."""
    audit.register_event_types(AUDIT_LABELS)
    audit.register_change_labels("experts.expert", {"fields": gettext_lazy("Fields of metrology")})
    demos.registry.register("experts.registry", "jiliang.experts.demos.registry.load", order=50)
    navigation.register(
        navigation.Section(
            "experts",
            gettext_lazy("Expert registry"),
            "person-badge",
            REGISTRY_ROLES,
            "experts:expert_list",
            order=45,
        )
    )
