"""Writing an import's plan: all its rows in one transaction, or nothing; and the background
job that checks a stored file or writes it."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from itertools import chain, islice
from operator import itemgetter
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiliang.core import audit
from jiliang.core.bulk import insert_rows, reserve_ids
from jiliang.core.services import require_organisation_role
from jiliang.instruments import schedule
from jiliang.instruments.importing.plan import INSTRUMENT_FIELDS as IMPORT_INSTRUMENT_FIELDS
from jiliang.instruments.importing.plan import cyclic_garbage_collection_paused
from jiliang.instruments.importing.planning import plan_import
from jiliang.instruments.models import (
    Instrument,
    InstrumentQuerySet,
    LedgerImport,
    LedgerSettings,
    VerificationRecord,
)
from jiliang.instruments.refresh import SCHEDULE_FIELDS, instruments_refresh_schedules

logger = logging.getLogger(__name__)
MAX_STORED_PROBLEMS = 1000
# The preview lists the rows that change something, up to this many.
PREVIEW_ROWS = 500
# A job checks or writes the largest file allowed in a few minutes: one still running after
# this has been stopped from outside.
STALE_IMPORT = timedelta(minutes=30)
# The extra attributes of new instruments are written after them: most rows have none, and the
# insert then sends the empty default once instead of once per row.
IMPORTED_PLAIN_FIELDS = [
    name for name in IMPORT_INSTRUMENT_FIELDS if name not in ("catalogue_item", "extra")
]
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
    _store_report(ledger_import, plan, status)
    if status == Status.COMMITTED:
        _remember_words(organisation, ledger_import.words)
    if status != Status.CHECKED:
        audit.record(
            actor=actor,
            action=f"instruments.ledger.import_{status}",
            instance=ledger_import,
            organisation=organisation,
            changes={key: [None, value] for key, value in ledger_import.counts.items()},
        )
    return ledger_import


def _store_report(ledger_import: LedgerImport, plan, status: str) -> None:
    ledger_import.headers = plan.headers
    ledger_import.mapping = plan.mapping
    ledger_import.status = status
    ledger_import.progress = 100
    ledger_import.counts = plan.counts()
    ledger_import.sheets = [sheet.as_dict() for sheet in plan.sheets]
    ledger_import.columns = [column.as_dict() for column in plan.columns]
    ledger_import.problems = [problem.as_dict() for problem in plan.problems[:MAX_STORED_PROBLEMS]]
    ledger_import.warnings = [warning.as_dict() for warning in plan.warnings[:MAX_STORED_PROBLEMS]]
    ledger_import.unknown_values = plan.unknown_values
    ledger_import.preview = [row.as_dict() for row in islice(plan.changed_rows(), PREVIEW_ROWS)]
    ledger_import.error = ""
    ledger_import.save()


def _remember_words(organisation, words: dict) -> None:
    """The words the user said the meaning of, for the organisation's next imports."""
    if not words:
        return
    settings, _created = LedgerSettings.objects.get_or_create(organisation=organisation)
    remembered = settings.words
    for name, meanings in words.items():
        remembered[name] = {**remembered.get(name, {}), **meanings}
    settings.words = remembered
    settings.save(update_fields=["words"])


def ledger_import_run(*, import_id: int, actor_id: int, commit: bool) -> None:
    """The background job: check the stored file, and write it when asked."""
    ledger_import = LedgerImport.objects.select_related("organisation").get(pk=import_id)
    actor = get_user_model().objects.get(pk=actor_id)
    running = LedgerImport.Status.IMPORTING if commit else LedgerImport.Status.CHECKING
    LedgerImport.objects.filter(pk=import_id).update(
        status=running, progress=0, started=timezone.now()
    )
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


def ledger_imports_fail_stale(*, now) -> int:
    """Imports whose job stopped without a word (its worker killed, the machine restarted) stay
    checking or importing: after STALE_IMPORT they are marked failed, nothing having been
    written (a write is one transaction), and can be checked again."""
    running = [LedgerImport.Status.CHECKING, LedgerImport.Status.IMPORTING]
    return LedgerImport.objects.filter(status__in=running, started__lt=now - STALE_IMPORT).update(
        status=LedgerImport.Status.FAILED,
        progress=100,
        error=_(
            "The import stopped before it finished: nothing was written. Check the file again."
        ),
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
        words=_words_for_parsing(ledger_import.words),
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


def _words_for_parsing(words: dict) -> dict:
    """Stored words as the parsers' values: 是否强检's "yes" and "no" are True and False."""
    mandatory = {"yes": True, "no": False}
    return {
        name: {
            word: mandatory.get(value) if name == "declared_mandatory" else value
            for word, value in meanings.items()
        }
        for name, meanings in words.items()
    }


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
    updated, records, extras = [], [], []
    forms = {}  # the mandatory forms of new instruments so far, by catalogue item id and purpose
    organisation_id, actor_id = organisation.pk, actor.pk

    def new_instruments():
        for row in chain(planned, plan.plan_pending()):
            if plan.problems:
                continue
            if row.action == "create":
                pk = next(ids)
                if row.instrument.get("extra"):
                    extras.append(Instrument(pk=pk, extra=row.instrument["extra"]))
                if row.adds_record:
                    records.append(_record_values(pk, row.record, actor_id))
                yield pk, organisation_id, *_new_instrument_values(row, forms)
                continue
            if row.action == "update":
                updated.append(row)
            if row.adds_record:
                records.append(_record_values(row.existing_id, row.record, actor_id))

    insert_rows(Instrument, NEW_INSTRUMENT_COLUMNS, new_instruments(), exact_types=True)
    if plan.problems:
        raise _PlanHasProblems
    Instrument.objects.bulk_update(extras, fields=["extra"], batch_size=2000)
    _update_instruments(updated)
    insert_rows(VerificationRecord, NEW_RECORD_COLUMNS, records, exact_types=True)
    instruments_refresh_schedules(
        {
            row.existing_id
            for row in plan.rows
            if row.existing_id and (row.action == "update" or row.adds_record)
        }
    )


def _record_values(instrument_id: int, record: dict, actor_id: int) -> tuple:
    return instrument_id, *_imported_record_values(record), actor_id


def _new_instrument_values(row, forms: dict) -> tuple:
    """The values of NEW_INSTRUMENT_COLUMNS but the id and the organisation; ``forms``: the
    mandatory forms found so far, by catalogue item id and purpose (a ledger repeats the same
    few)."""
    values = {**IMPORTED_FIELD_DEFAULTS, **row.instrument}
    item, purpose = values["catalogue_item"], values["purpose"]
    item_id = None if item is None else item.id
    form = forms.get((item_id, purpose))
    if form is None:
        form = forms[item_id, purpose] = schedule.mandatory_form(item, purpose)
    record = row.record if row.adds_record else None
    # next_due reads an instrument's and its records' attributes; the row has not been saved.
    due = schedule.next_due(
        _Due(form, values["traceability"], values["commissioning_date"], values["interval_months"]),
        [_DueRecord(record["date"], record["valid_until"])] if record else [],
    )
    return (
        *_imported_plain_values(values),
        item_id,
        record["date"] if record else None,
        record["conclusion"] if record else "",
        due,
    )


class _Due(NamedTuple):
    """What ``schedule.next_due`` reads of an instrument."""

    mandatory_form: str
    traceability: str
    commissioning_date: date | None
    interval_months: int | None


class _DueRecord(NamedTuple):
    """What ``schedule.next_due`` reads of a record."""

    date: date | None
    valid_until: date | None


def _update_instruments(rows) -> None:
    existing = Instrument.objects.in_bulk([row.existing_id for row in rows])
    for row in rows:
        for name, value in row.instrument.items():
            setattr(existing[row.existing_id], name, value)
    Instrument.objects.bulk_update(
        existing.values(), fields=IMPORT_INSTRUMENT_FIELDS, batch_size=2000
    )
