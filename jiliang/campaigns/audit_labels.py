"""The campaigns' events in words, for the audit log (``core.audit``)."""

from django.utils.translation import gettext_lazy as _

from jiliang.core import audit


def register() -> None:
    audit.register_event_types(
        {
            "campaigns.campaign.created": _("Campaign created"),
            "campaigns.campaign.changed": _("Campaign changed"),
            "campaigns.indicator.created": _("Indicator created"),
            "campaigns.indicator.changed": _("Indicator changed"),
            "campaigns.quota.created": _("Quota set"),
            "campaigns.quota.changed": _("Quota changed"),
            "campaigns.values.entered": _("Figures entered"),
            "campaigns.report.submit": _("Report submitted"),
            "campaigns.report.approve": _("Report approved"),
            "campaigns.report.return": _("Report returned"),
            "campaigns.report.unapprove": _("Report approval withdrawn"),
            "campaigns.chase.created": _("Late report chased"),
        }
    )
    audit.register_change_labels("campaigns.report", {"reason": _("Reason")})
