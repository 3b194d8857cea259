"""The ledger's events in words, for the organisation's audit log (``core.audit``)."""

from django.utils.translation import gettext_lazy as _

from jiliang.core import audit


def register() -> None:
    audit.register_event_types(
        {
            "instruments.instrument.created": _("Instrument added to the ledger"),
            "instruments.instrument.updated": _("Instrument changed"),
            "instruments.record.created": _("Verification record added"),
            "instruments.record.corrected": _("Verification record corrected"),
            "instruments.attachment.added": _("Attachment added to the instrument"),
            "instruments.catalogue.imported": _("Catalogue imported"),
            "instruments.ledger.import_previewed": _("Ledger import checked (dry run)"),
            "instruments.ledger.import_committed": _("Ledger imported"),
            "instruments.ledger.import_rejected": _("Ledger import rejected"),
            "instruments.ledger.import_failed": _("Ledger import failed"),
            "instruments.ledger_settings.updated": _("Ledger settings changed"),
        }
    )
    audit.register_change_labels(
        "instruments.ledgerimport",
        {
            "rows": _("Rows"),
            "create": _("Instruments added"),
            "update": _("Instruments changed"),
            "unchanged": _("Instruments unchanged"),
            "records": _("Records added"),
            "problems": _("Problems"),
            "warnings": _("Warnings"),
        },
    )
    audit.register_change_labels(
        "instruments.catalogue.imported",
        {
            "file": _("File"),
            "created": _("Rows added"),
            "updated": _("Rows changed"),
            "removed": _("Rows removed"),
        },
    )
