"""Every write to the ledger and the catalogue: validated, scoped, audited, atomic."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from pathlib import Path
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from jiliang.core import audit
from jiliang.core.bulk import insert_rows, reserve_ids
from jiliang.core.services import model_update, require_editable, require_organisation_role
from jiliang.core.spreadsheets import SPREADSHEET_SUFFIXES
from jiliang.instruments import catalogue, schedule
from jiliang.instruments.choices import InstrumentStatus
from jiliang.instruments.importing import INSTRUMENT_FIELDS as IMPORT_INSTRUMENT_FIELDS
from jiliang.instruments.importing import cyclic_garbage_collection_paused, plan_import
from jiliang.instruments.models import (
    CatalogueItem,
    Instrument,
    InstrumentAttachment,
    InstrumentQuerySet,
    LedgerImport,
    VerificationRecord,
)

logger = logging.getLogger(__name__)
IMPORT_SUFFIXES = SPREADSHEET_SUFFIXES | {".csv"}
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
PREVIEW_ROWS = 200
MAX_IMPORT_BYTES = 50 * 1024 * 1024
SCHEDULE_FIELDS = ["last_record_date", "last_conclusion", "next_due"]
REFRESH_BATCH = 5000
IMPORTED_PLAIN_FIELDS = [name for name in IMPORT_INSTRUMENT_FIELDS if name != "catalogue_item"]
IMPORTED_FIELD_DEFAULTS = {
    name: Instrument._meta.get_field(name).get_default() for name in IMPORTED_PLAIN_FIELDS
}
NEW_INSTRUMENT_COLUMNS = [
    "id",
    "organisation",
    *IMPORTED_PLAIN_FIELDS,
    "catalogue_item",
    *SCHEDULE_FIELDS,
]
IMPORTED_RECORD_FIELDS = [
    "date",
    "kind",
    "institution_name",
    "certificate_number",
    "conclusion",
    "valid_until",
]
NEW_RECORD_COLUMNS = ["instrument", *IMPORTED_RECORD_FIELDS, "created_by"]
_imported_plain_values = itemgetter(*IMPORTED_PLAIN_FIELDS)
_imported_record_values = itemgetter(*IMPORTED_RECORD_FIELDS)


@transaction.atomic
def ledger_import_apply(
    *, actor, organisation, plan, dry_run: bool = False, ledger_import: LedgerImport | None = None
) -> LedgerImport:
    """Write an import plan in one transaction, or nothing when it has any problem; the import
    is kept in the organisation's history either way. A plan made lazily is finished here:
    written while its rows are planned, and rolled back if one of them has a problem."""
    require_organisation_role(actor, organisation, InstrumentQuerySet.editor_roles)
    Status = LedgerImport.Status
    if plan.problems or dry_run:
        plan.finish()
    if plan.problems:
        status = Status.REJECTED
    elif dry_run:
        status = Status.PREVIEWED if ledger_import is None else Status.CHECKED
    else:
        status = Status.COMMITTED
        try:
            with transaction.atomic(), cyclic_garbage_collection_paused():
                _write_plan(actor, organisation, plan)
        except _PlanHasProblems:
            status = Status.REJECTED
    ledger_import = ledger_import or LedgerImport(
        organisation=organisation, created_by=actor, filename=plan.filename[:255]
    )
    ledger_import.sheet = plan.sheet[:100]
    ledger_import.headers = plan.headers
    ledger_import.mapping = plan.mapping
    ledger_import.status = status
    ledger_import.progress = 100
    ledger_import.counts = counts = plan.counts()
    ledger_import.problems = [problem.as_dict() for problem in plan.problems[:MAX_STORED_PROBLEMS]]
    ledger_import.preview = [row.as_dict() for row in plan.rows[:PREVIEW_ROWS]]
    ledger_import.error = ""
    ledger_import.save()
    if status != Status.CHECKED:
        audit.record(
            actor=actor,
            action=f"instruments.ledger.import_{status}",
            instance=ledger_import,
            organisation=organisation,
            changes={key: [None, value] for key, value in counts.items()},
        )
    return ledger_import


@transaction.atomic
def ledger_import_upload(*, actor, organisation, upload, sheet: str = "") -> LedgerImport:
    """Keep an uploaded spreadsheet and have it checked in the background."""
    require_organisation_role(actor, organisation, InstrumentQuerySet.editor_roles)
    if upload.size > MAX_IMPORT_BYTES:
        raise ValidationError(
            {
                "file": _("The file is larger than %(limit)d MB.")
                % {"limit": MAX_IMPORT_BYTES // 2**20}
            }
        )
    if Path(upload.name).suffix.lower() not in IMPORT_SUFFIXES:
        raise ValidationError({"file": _("Use an .xlsx, .xls, .ods or .csv file.")})
    ledger_import = LedgerImport(
        organisation=organisation,
        created_by=actor,
        filename=upload.name[:255],
        file=upload,
        sheet=sheet[:100],
        mapping=_remembered_mapping(organisation),
        status=LedgerImport.Status.QUEUED,
    )
    ledger_import.save()
    _enqueue(ledger_import, actor, commit=False)
    return ledger_import


@transaction.atomic
def ledger_import_remap(
    *, actor, ledger_import: LedgerImport, mapping: dict[str, str]
) -> LedgerImport:
    """Check the file again with the columns mapped as the user corrected them."""
    _require_import_editor(actor, ledger_import)
    ledger_import.mapping = mapping
    ledger_import.status = LedgerImport.Status.QUEUED
    ledger_import.save(update_fields=["mapping", "status"])
    _enqueue(ledger_import, actor, commit=False)
    return ledger_import


@transaction.atomic
def ledger_import_commit(*, actor, ledger_import: LedgerImport) -> LedgerImport:
    """Import a checked file: it is read again and written all at once in the background."""
    _require_import_editor(actor, ledger_import)
    if ledger_import.status != LedgerImport.Status.CHECKED:
        raise ValidationError(_("Only a checked file without problems can be imported."))
    ledger_import.status = LedgerImport.Status.QUEUED
    ledger_import.save(update_fields=["status"])
    _enqueue(ledger_import, actor, commit=True)
    return ledger_import


def ledger_import_run(*, import_id: int, actor_id: int, commit: bool) -> None:
    """The background job: check the stored file, and write it when asked."""
    ledger_import = LedgerImport.objects.select_related("organisation").get(pk=import_id)
    actor = get_user_model().objects.get(pk=actor_id)
    running = LedgerImport.Status.IMPORTING if commit else LedgerImport.Status.CHECKING
    LedgerImport.objects.filter(pk=import_id).update(status=running, progress=0)
    try:
        # Paused until the plan is let go of: its millions of objects are then freed one by
        # one, instead of being gone through by collections once the import is done.
        with cyclic_garbage_collection_paused():
            _check_or_write(ledger_import, actor, commit)
    except ValidationError as error:
        LedgerImport.objects.filter(pk=import_id).update(
            status=LedgerImport.Status.REJECTED, error=" ".join(error.messages), progress=100
        )
    except Exception as error:  # a job must always end in a state the user can see
        logger.exception("Ledger import %s failed", import_id)
        LedgerImport.objects.filter(pk=import_id).update(
            status=LedgerImport.Status.FAILED, error=str(error)[:2000], progress=100
        )


def _check_or_write(ledger_import: LedgerImport, actor, commit: bool) -> None:
    def report_progress(percent: int) -> None:
        LedgerImport.objects.filter(pk=ledger_import.pk).update(progress=percent)

    with ledger_import.file.open("rb") as stored:
        content = stored.read()
    plan = plan_import(
        organisation=ledger_import.organisation,
        content=content,
        filename=ledger_import.filename,
        sheet=ledger_import.sheet or None,
        mapping=ledger_import.mapping or None,
        on_progress=report_progress,
        # Writing, the rows are planned as the database inserts them: no progress then.
        lazily=commit,
    )
    ledger_import_apply(
        actor=actor,
        organisation=ledger_import.organisation,
        plan=plan,
        dry_run=not commit,
        ledger_import=ledger_import,
    )


def _enqueue(ledger_import: LedgerImport, actor, *, commit: bool) -> None:
    from jiliang.instruments.tasks import ledger_import_task

    transaction.on_commit(lambda: ledger_import_task(ledger_import.pk, actor.pk, commit))


def _require_import_editor(actor, ledger_import: LedgerImport) -> None:
    if not LedgerImport.objects.visible_to(actor).filter(pk=ledger_import.pk).exists():
        raise Http404
    require_organisation_role(actor, ledger_import.organisation, InstrumentQuerySet.editor_roles)
    if ledger_import.is_running:
        raise ValidationError(_("The file is being processed; wait until it is done."))


def _remembered_mapping(organisation) -> dict:
    """The column mapping of the organisation's last successful import."""
    last = (
        LedgerImport.objects.filter(organisation=organisation, status=LedgerImport.Status.COMMITTED)
        .order_by("-created")
        .values_list("mapping", flat=True)
        .first()
    )
    return last or {}


class _PlanHasProblems(Exception):
    """Rows planned while the plan was being written have problems: it must be undone."""


def _write_plan(actor, organisation, plan) -> None:
    """New instruments and the records go in as rows of values (a ledger may hold a hundred
    thousand: model instances would cost most of the time); existing instruments are updated,
    then their schedules refreshed from all their records. The plan has checked every value.

    New instruments get their ids first, so that their records are made while the instruments
    stream in; so are the rows of a plan made lazily, while the database (on PostgreSQL, a
    process of its own) inserts the rows before them. Once a row has a problem, the rows after
    it are still planned, for their problems, but no longer written; then _PlanHasProblems."""
    planned = list(plan.rows)
    ids = iter(
        reserve_ids(Instrument, sum(row.action == "create" for row in planned) + plan.pending_rows)
    )
    updated, records = [], []

    def new_instruments():
        for row in chain(planned, plan.plan_pending()):
            if plan.problems:
                continue
            if row.action == "create":
                pk = next(ids)
                if row.adds_record:
                    records.append(_record_values(pk, row.record, actor))
                yield pk, *_new_instrument_values(organisation, row)
                continue
            if row.action == "update":
                updated.append(row)
            if row.adds_record:
                records.append(_record_values(row.existing_id, row.record, actor))

    insert_rows(Instrument, NEW_INSTRUMENT_COLUMNS, new_instruments(), exact_types=True)
    if plan.problems:
        raise _PlanHasProblems
    _update_instruments(updated)
    insert_rows(VerificationRecord, NEW_RECORD_COLUMNS, records, exact_types=True)
    instruments_refresh_schedules(
        {
            row.existing_id
            for row in plan.rows
            if row.existing_id and (row.action == "update" or row.adds_record)
        }
    )


def _record_values(instrument_id: int, record: dict, actor) -> tuple:
    return instrument_id, *_imported_record_values(record), actor.pk


def _new_instrument_values(organisation, row) -> tuple:
    """The values of NEW_INSTRUMENT_COLUMNS but the id."""
    values = {**IMPORTED_FIELD_DEFAULTS, **row.instrument}
    item = values["catalogue_item"]
    values["mandatory_form"] = schedule.mandatory_form(item, values["purpose"])
    record = SimpleNamespace(**row.record) if row.adds_record else None
    return (
        organisation.pk,
        *_imported_plain_values(values),
        item.pk if item else None,
        record.date if record else None,
        record.conclusion if record else "",
        # next_due reads an instrument's and its records' attributes; the row has not been saved.
        schedule.next_due(SimpleNamespace(**values), [record] if record else []),
    )


def _update_instruments(rows) -> None:
    existing = Instrument.objects.in_bulk([row.existing_id for row in rows])
    for row in rows:
        for name, value in row.instrument.items():
            setattr(existing[row.existing_id], name, value)
    Instrument.objects.bulk_update(
        existing.values(), fields=IMPORT_INSTRUMENT_FIELDS, batch_size=2000
    )


def apply_schedule(instrument: Instrument, current_records: list) -> None:
    """Set the fields that follow from the current records (newest first); does not save."""
    latest = current_records[0] if current_records else None
    instrument.last_record_date = latest.date if latest else None
    instrument.last_conclusion = latest.conclusion if latest else ""
    instrument.next_due = schedule.next_due(instrument, current_records)


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
            apply_schedule(instrument, current.get(instrument.pk, []))
        Instrument.objects.bulk_update(instruments, fields=SCHEDULE_FIELDS, batch_size=2000)
