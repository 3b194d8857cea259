"""Ledger imports as users drive them: upload a file, correct its columns and words, commit
it; the organisation's import settings. The checking and writing run as background jobs."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from jiliang.core import audit
from jiliang.core.services import require_organisation_role
from jiliang.core.spreadsheets import SPREADSHEET_SUFFIXES, TEXT_TABLE_SUFFIXES
from jiliang.instruments.models import InstrumentQuerySet, LedgerImport, LedgerSettings
from jiliang.instruments.tasks import ledger_import_task

IMPORT_SUFFIXES = SPREADSHEET_SUFFIXES | TEXT_TABLE_SUFFIXES
MAX_IMPORT_BYTES = 50 * 1024 * 1024


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
        raise ValidationError({"file": _("Use an .xlsx, .xls, .ods, .csv or .txt file.")})
    ledger_import = LedgerImport(
        organisation=organisation,
        created_by=actor,
        filename=upload.name[:255],
        file=upload,
        sheet=sheet[:100],
        mapping=_remembered_mapping(organisation),
        words=remembered_words(organisation),
        status=LedgerImport.Status.QUEUED,
    )
    ledger_import.save()
    _enqueue(ledger_import, actor, commit=False)
    return ledger_import


@transaction.atomic
def ledger_import_remap(
    *,
    actor,
    ledger_import: LedgerImport,
    mapping: dict[str, str] | None = None,
    words: dict[str, dict] | None = None,
) -> LedgerImport:
    """Check the file again with the columns mapped, or the unfamiliar words read, as the user
    corrected them (``words``: {field: {word: value}}, added to those said before)."""
    _require_import_editor(actor, ledger_import)
    if mapping is not None:
        ledger_import.mapping = mapping
    if words:
        ledger_import.words = {
            name: {**ledger_import.words.get(name, {}), **meanings}
            for name, meanings in {**ledger_import.words, **words}.items()
        }
    ledger_import.status = LedgerImport.Status.QUEUED
    ledger_import.save(update_fields=["mapping", "words", "status"])
    _enqueue(ledger_import, actor, commit=False)
    return ledger_import


def remembered_words(organisation) -> dict:
    """What the organisation said words outside the vocabularies mean, in earlier imports."""
    settings = LedgerSettings.objects.filter(organisation=organisation).first()
    return settings.words if settings else {}


@transaction.atomic
def ledger_settings_update(*, actor, organisation, number_prefix: str) -> LedgerSettings:
    """Set how the organisation's imports number instruments without a management number."""
    require_organisation_role(actor, organisation, InstrumentQuerySet.editor_roles)
    settings, _created = LedgerSettings.objects.get_or_create(organisation=organisation)
    before = settings.number_prefix
    settings.number_prefix = number_prefix
    settings.full_clean()
    settings.save(update_fields=["number_prefix"])
    if before != number_prefix:
        audit.record(
            actor=actor,
            action="instruments.ledger_settings.updated",
            instance=settings,
            organisation=organisation,
            changes={"number_prefix": [before, number_prefix]},
        )
    return settings


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


def _enqueue(ledger_import: LedgerImport, actor, *, commit: bool) -> None:
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
