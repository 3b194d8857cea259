"""Every write to the ledger and the catalogue: validated, scoped, audited, atomic."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiliang.core import audit
from jiliang.core.services import model_update, require_editable, require_organisation_role
from jiliang.instruments import catalogue, schedule
from jiliang.instruments.choices import InstrumentStatus
from jiliang.instruments.importing import INSTRUMENT_FIELDS as IMPORT_INSTRUMENT_FIELDS
from jiliang.instruments.models import (
    CatalogueItem,
    Instrument,
    InstrumentAttachment,
    InstrumentQuerySet,
    LedgerImport,
    VerificationRecord,
)

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
    record = VerificationRecord(
        instrument=instrument, supersedes=supersedes, created_by=actor, **fields
    )
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


MAX_STORED_PROBLEMS = 1000
SCHEDULE_FIELDS = ["last_record_date", "last_conclusion", "next_due"]
REFRESH_BATCH = 5000


@transaction.atomic
def ledger_import(*, actor, organisation, plan, dry_run: bool = False) -> LedgerImport:
    """Write an import plan in one transaction, or nothing when it has any problem; the import
    is kept in the organisation's history either way."""
    require_organisation_role(actor, organisation, InstrumentQuerySet.editor_roles)
    if plan.problems:
        outcome = LedgerImport.Outcome.REJECTED
    elif dry_run:
        outcome = LedgerImport.Outcome.PREVIEWED
    else:
        outcome = LedgerImport.Outcome.COMMITTED
        _write_plan(actor, organisation, plan)
    result = LedgerImport.objects.create(
        organisation=organisation,
        created_by=actor,
        filename=plan.filename[:255],
        sheet=plan.sheet[:100],
        mapping=plan.mapping,
        outcome=outcome,
        counts=plan.counts(),
        problems=[problem.as_dict() for problem in plan.problems[:MAX_STORED_PROBLEMS]],
    )
    audit.record(
        actor=actor,
        action=f"instruments.ledger.import_{outcome}",
        instance=result,
        organisation=organisation,
        changes={key: [None, value] for key, value in plan.counts().items()},
    )
    return result


def _write_plan(actor, organisation, plan) -> None:
    existing = Instrument.objects.in_bulk([row.existing_id for row in plan.rows if row.existing_id])
    created, updated = [], []
    for row in plan.rows:
        if row.action == "create":
            created.append((row, Instrument(organisation=organisation, **row.instrument)))
        elif row.action == "update":
            instrument = existing[row.existing_id]
            for name, value in row.instrument.items():
                setattr(instrument, name, value)
            updated.append((row, instrument))
    for row, instrument in created + updated:
        _validate(row.row, instrument, exclude=["organisation"])
    Instrument.objects.bulk_create([instrument for _row, instrument in created], batch_size=2000)
    Instrument.objects.bulk_update(
        [i for _row, i in updated], fields=IMPORT_INSTRUMENT_FIELDS, batch_size=2000
    )
    instrument_for_row = {row.row: instrument for row, instrument in created + updated}
    records = []
    for row in plan.rows:
        if row.adds_record:
            instrument = instrument_for_row.get(row.row) or existing[row.existing_id]
            record = VerificationRecord(instrument=instrument, created_by=actor, **row.record)
            _validate(row.row, record, exclude=["instrument", "certificate"])
            records.append(record)
    VerificationRecord.objects.bulk_create(records, batch_size=2000)
    instruments_refresh_schedules(
        {record.instrument_id for record in records} | {i.pk for _row, i in updated}
    )


def _validate(line: int, instance, *, exclude) -> None:
    try:
        instance.clean_fields(exclude=exclude)
        instance.clean()
    except ValidationError as error:
        raise ValidationError(
            _("Row %(row)d: %(error)s") % {"row": line, "error": " ".join(error.messages)}
        ) from None


def instruments_refresh_schedules(instrument_ids: set[int]) -> None:
    """Last record, conclusion and next due of many instruments, in batches that stay within
    SQLite's limit on query parameters: two queries and a bulk update per batch."""
    ids = sorted(instrument_ids)
    for start in range(0, len(ids), REFRESH_BATCH):
        batch = ids[start : start + REFRESH_BATCH]
        current = {}
        records = (
            VerificationRecord.objects.filter(instrument_id__in=batch)
            .current()
            .order_by("instrument_id", "-date", "-pk")
        )
        for record in records:
            current.setdefault(record.instrument_id, []).append(record)
        instruments = list(Instrument.objects.filter(pk__in=batch).select_related("catalogue_item"))
        for instrument in instruments:
            records = current.get(instrument.pk, [])
            instrument.last_record_date = records[0].date if records else None
            instrument.last_conclusion = records[0].conclusion if records else ""
            instrument.next_due = schedule.next_due(instrument, records)
        Instrument.objects.bulk_update(instruments, fields=SCHEDULE_FIELDS, batch_size=2000)
