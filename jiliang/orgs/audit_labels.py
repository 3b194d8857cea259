"""The organisations' and regions' events in words, for the audit log (``core.audit``)."""

from django.utils.translation import gettext_lazy as _

from jiliang.core import audit


def register() -> None:
    audit.register_event_types(
        {
            "orgs.region.created": _("Region added"),
            "orgs.region.updated": _("Region changed"),
            "orgs.region.located": _("Region centre set"),
            "orgs.organisation.created": _("Organisation registered"),
            "orgs.organisation.updated": _("Organisation profile changed"),
            "orgs.membership.created": _("Member added"),
            "orgs.membership.updated": _("Member's role changed"),
            "orgs.membership.deleted": _("Member removed"),
            "orgs.profile.updated": _("Enterprise profile changed"),
            "orgs.enterprise.imported": _("Enterprises imported"),
            "orgs.registration.created": _("Enterprise registered itself"),
            "orgs.registration.confirmed": _("Enterprise registration confirmed"),
            "orgs.registration.rejected": _("Enterprise registration rejected"),
        }
    )
    audit.register_change_labels(
        "orgs.enterpriseprofile",
        {"industry": _("Industry section"), "size_class": _("Size class"), "tags": _("Tags")},
    )
    audit.register_change_labels("orgs.enterprise.imported", {"enterprises": _("Enterprises")})
    audit.register_change_labels(
        "orgs.enterpriseregistration", {"uscc": _("Unified social credit code"), "name": _("Name")}
    )
