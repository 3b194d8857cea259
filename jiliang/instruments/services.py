"""Every write to the ledger and the catalogue: validated, scoped, audited, atomic.

Imports have modules of their own (``import_services`` for what users do, ``importing.writing``
for writing a plan); their entry points are also here, where callers look for every write."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiliang.core import audit
from jiliang.core.services import model_update, require_editable, require_organisation_role
from jiliang.instruments import catalogue
from jiliang.instruments.choices import InstrumentStatus
from jiliang.instruments.import_services import (
    ledger_import_commit as ledger_import_commit,
)
from jiliang.instruments.import_services import ledger_import_remap as ledger_import_remap
from jiliang.instruments.import_services import ledger_import_upload as ledger_import_upload
from jiliang.instruments.import_services import (
    ledger_settings_update as ledger_settings_update,
)
from jiliang.instruments.import_services import remembered_words as remembered_words
from jiliang.instruments.importing.writing import ledger_import_apply as ledger_import_apply
from jiliang.instruments.importing.writing import ledger_import_run as ledger_import_run
from jiliang.instruments.importing.writing import (
    ledger_imports_fail_stale as ledger_imports_fail_stale,
)
from jiliang.instruments.models import (
    CatalogueItem,
    Instrument,
    InstrumentAttachment,
    InstrumentQuerySet,
    VerificationRecord,
)
from jiliang.instruments.refresh import SCHEDULE_FIELDS
from jiliang.instruments.refresh import apply_schedule as apply_schedule
from jiliang.instruments.refresh import (
    instruments_refresh_schedules as instruments_refresh_schedules,
)

logger = logging.getLogger(__name__)
INSTRUMENT_FIELDS = [
    "management_number",
    "name",
    "model",
    "serial_number",
    "manufacturer",
    "measuring_range",
    "accuracy",
    "department",
    "location",
    "custodian",
    "commissioning_date",
    "abc_class",
    "traceability",
    "interval_months",
    "purpose",
    "catalogue_item",
    "status",
    "notes",
]
RECORD_FIELDS = [
    "date",
    "kind",
    "institution",
    "institution_name",
    "certificate_number",
    "conclusion",
    "as_found",
    "as_left",
    "measured_error",
    "expanded_uncertainty",
    "certificate",
    "valid_until",
    "notes",
]
# Bulk actions a ledger list offers, each a status change except the department move.
BULK_STATUS = {
    "suspend": InstrumentStatus.SUSPENDED,
    "retire": InstrumentStatus.RETIRED,
    "reinstate": InstrumentStatus.IN_USE,
}


@transaction.atomic
def instrument_create(*, actor, organisation, **fields) -> Instrument:
    require_organisation_role(actor, organisation, InstrumentQuerySet.editor_roles)
    instrument = Instrument(organisation=organisation, **fields)
    instrument.full_clean()
    instrument.save()
    instrument_refresh_schedule(instrument=instrument)
    audit.record(
        actor=actor,
        action="instruments.instrument.created",
        instance=instrument,
        organisation=organisation,
        changes=audit.changes_between({}, audit.snapshot(instrument, INSTRUMENT_FIELDS)),
    )
    return instrument


@transaction.atomic
def instrument_update(*, actor, instrument: Instrument, data: dict) -> Instrument:
    require_editable(actor, instrument)
    changes = model_update(instance=instrument, data=data, fields=INSTRUMENT_FIELDS)
    if changes:
        instrument_refresh_schedule(instrument=instrument)
        audit.record(
            actor=actor,
            action="instruments.instrument.updated",
            instance=instrument,
            organisation=instrument.organisation,
            changes=changes,
        )
    return instrument


def instrument_refresh_schedule(*, instrument: Instrument) -> None:
    """Recompute last record, conclusion and next due from the current records."""
    instruments_refresh_schedules({instrument.pk})
    instrument.refresh_from_db(fields=SCHEDULE_FIELDS)


@transaction.atomic
def record_create(
    *, actor, instrument: Instrument, supersedes: VerificationRecord | None = None, **fields
) -> VerificationRecord:
    """Enter a verification or calibration; with ``supersedes``, a correction of that record."""
    require_editable(actor, instrument)
    if instrument.status == InstrumentStatus.RETIRED:
        raise ValidationError(
            _("%(instrument)s is retired: no records can be entered for it.")
            % {"instrument": instrument}
        )
    if supersedes is not None and (
        supersedes.instrument_id != instrument.pk
        or VerificationRecord.objects.filter(supersedes=supersedes).exists()
    ):
        raise ValidationError(
            {"supersedes": _("Only a current record of this instrument can be corrected.")}
        )
    return record_write(actor=actor, instrument=instrument, supersedes=supersedes, **fields)


def record_write(
    *, actor, instrument: Instrument, supersedes: VerificationRecord | None = None, **fields
) -> VerificationRecord:
    """Validate, save and audit a record whose scope the caller has checked (``record_create``
    for the ledger's editors; an institution completing an order)."""
    record = VerificationRecord(
        instrument=instrument, supersedes=supersedes, created_by=actor, **fields
    )
    if record.date is None:  # only an imported ledger may leave it out
        raise ValidationError({"date": _("Give the date of the verification or calibration.")})
    record.full_clean()
    record.save()
    instrument_refresh_schedule(instrument=instrument)
    audit.record(
        actor=actor,
        action="instruments.record.corrected" if supersedes else "instruments.record.created",
        instance=record,
        organisation=instrument.organisation,
        changes={"conclusion": [None, record.conclusion], "date": [None, record.date.isoformat()]},
    )
    return record


@transaction.atomic
def attachment_add(*, actor, instrument: Instrument, title: str, file) -> InstrumentAttachment:
    require_editable(actor, instrument)
    attachment = InstrumentAttachment(
        instrument=instrument, title=title, file=file, created_by=actor
    )
    attachment.full_clean()
    attachment.save()
    audit.record(
        actor=actor,
        action="instruments.attachment.added",
        instance=attachment,
        organisation=instrument.organisation,
        changes={"title": [None, title]},
    )
    return attachment


@transaction.atomic
def instruments_bulk_update(*, actor, instruments, action: str, department: str = "") -> int:
    """Move to a department, suspend, retire or reinstate many instruments at once."""
    editable = Instrument.objects.editable_by(actor).filter(pk__in=[i.pk for i in instruments])
    if editable.count() != len(instruments):
        raise PermissionDenied(_("You may not change some of these instruments."))
    data = {"department": department} if action == "move" else {"status": BULK_STATUS[action]}
    for instrument in editable.select_related("catalogue_item", "organisation"):
        instrument_update(actor=actor, instrument=instrument, data=data)
    return len(instruments)


@dataclass(frozen=True)
class CatalogueImportResult:
    created: int
    updated: int
    removed: int


@transaction.atomic
def catalogue_import(
    *, actor, content: bytes, filename: str, replace: bool
) -> CatalogueImportResult:
    """Extend the catalogue from a spreadsheet of the official table, or replace it.

    Rows match on item and category. Replacing removes the rows the file lacks, unless an
    instrument uses them: then nothing changes and the error names them.
    """
    if not (actor and actor.is_authenticated and actor.is_staff):
        raise PermissionDenied(_("Only platform administrators may change the catalogue."))
    rows = catalogue.parse_catalogue(content, filename)
    created = updated = 0
    kept = set()
    for row in rows:
        item = (
            CatalogueItem.objects.filter(
                item=row.values["item"], category=row.values["category"]
            ).first()
            or CatalogueItem()
        )
        was_created = item.pk is None
        for field in catalogue.FIELDS:
            setattr(item, field, row.values[field])
        try:
            item.full_clean()
        except ValidationError as error:
            raise ValidationError(
                _("Row %(row)d: %(error)s") % {"row": row.line, "error": " ".join(error.messages)}
            ) from None
        item.save()
        kept.add(item.pk)
        created += was_created
        updated += not was_created
    removed = 0
    if replace:
        stale = CatalogueItem.objects.exclude(pk__in=kept)
        in_use = list(stale.filter(instruments__isnull=False).distinct())
        if in_use:
            raise ValidationError(
                _(
                    "These catalogue items are used by instruments and are missing from the file: "
                    "%(items)s. Add them to the file or change those instruments first."
                )
                % {"items": "、".join(str(item) for item in in_use)}
            )
        removed, _details = stale.delete()
    audit.record(
        actor=actor,
        action="instruments.catalogue.imported",
        subject=filename,
        changes={
            "file": [None, filename],
            "created": [None, created],
            "updated": [None, updated],
            "removed": [None, removed],
        },
    )
    return CatalogueImportResult(created=created, updated=updated, removed=removed)
