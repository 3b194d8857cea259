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
        }
    )
