"""The orders' events in words, for the organisation's audit log (``core.audit``)."""

from django.utils.translation import gettext_lazy as _

from jiliang.core import audit


def register() -> None:
    audit.register_event_types(
        {
            "orders.order.created": _("Order created"),
            "orders.order.updated": _("Order changed"),
            "orders.order.submit": _("Order submitted"),
            "orders.order.cancel": _("Order cancelled"),
            "orders.order.return": _("Order returned for changes"),
            "orders.order.accept": _("Order accepted"),
            "orders.order.receive": _("Instruments received"),
            "orders.order.complete": _("Order completed"),
            "orders.order.visit_scheduled": _("Visit scheduled"),
            "orders.attachment.added": _("Attachment added to the order"),
            "orders.item.result": _("Result recorded"),
            "orders.item.certificate_generated": _("Certificate generated"),
            "orders.pause.started": _("Timing paused"),
            "orders.pause.ended": _("Timing resumed"),
            "orders.time_limit.set": _("Time limit set"),
            "orders.number_rule.set": _("Certificate numbering rule set"),
            "orders.number_rule.deleted": _("Certificate numbering rule removed"),
            "orders.standard.created": _("Measurement standard added"),
            "orders.standard.updated": _("Measurement standard changed"),
        }
    )
    audit.register_change_labels(
        "orders.order",
        {"instruments": _("Number of instruments"), "reason": _("Reason"), "pause": _("Pause")},
    )
    audit.register_change_labels("orders.time_limit.set", {"working_days": _("Working days")})
