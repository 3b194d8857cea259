"""The API of ledger imports: upload, check, correct columns and words, commit; the numbering
setting."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from jiliang.core.api import ErrorOut, Id, Schema, get_visible_or_404
from jiliang.instruments import selectors, services
from jiliang.instruments.api import organisation_for_new_instrument
from jiliang.instruments.importing import EXTRA
from jiliang.instruments.ledger_columns import IMPORTED
from jiliang.instruments.models import LedgerImport, LedgerSettings
from jiliang.orgs.models import Organisation

router = Router(tags=["instruments"])
IMPORTABLE_FIELDS = {column.field for column in IMPORTED}


class LedgerImportOut(Schema):
    id: int
    organisation: int = Field(alias="organisation_id")
    created: datetime
    filename: str
    sheet: str = Field(description="The sheet asked for; empty: every sheet holding a ledger")
    status: str
    progress: int
    headers: list[str]
    mapping: dict[str, str]
    words: dict[str, dict]
    counts: dict
    sheets: list[dict] = Field(description="Each sheet read or skipped, and why")
    columns: list[dict] = Field(description="Each column mapped to a field, kept or ignored")
    problems: list[dict]
    warnings: list[dict]
    unknown_values: dict[str, dict[str, int]] = Field(
        description="By field, the words outside its vocabulary and how many cells hold each"
    )
    preview: list[dict] = Field(description="The rows that create or change something")
    error: str


class MappingIn(Schema):
    mapping: dict[str, str] = Field(
        description='{"header of your file": "field", ...}; "extra" keeps a column as an '
        'attribute of each instrument, "" ignores it'
    )


@router.post(
    "/instruments/imports",
    response={202: LedgerImportOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def import_upload(
    request, file: File[UploadedFile], organisation: Form[Id | None] = None, sheet: Form[str] = ""
):
    """Upload a ledger spreadsheet; it is checked in the background: poll its status."""
    target = organisation_for_new_instrument(request, organisation)
    return Status(
        202,
        services.ledger_import_upload(
            actor=request.user, organisation=target, upload=file, sheet=sheet[:100]
        ),
    )


@router.get("/instruments/imports", response=list[LedgerImportOut])
@paginate
def import_list(request):
    return selectors.import_list(user=request.user)


@router.get("/instruments/imports/{int:import_id}", response=LedgerImportOut)
def import_detail(request, import_id: Id):
    return get_visible_or_404(LedgerImport, request, pk=import_id)


@router.put(
    "/instruments/imports/{int:import_id}/mapping",
    response={202: LedgerImportOut, 400: ErrorOut, 403: ErrorOut},
)
def import_remap(request, import_id: Id, payload: MappingIn):
    """Correct the column mapping; the file is checked again."""
    ledger_import = get_visible_or_404(LedgerImport, request, pk=import_id)
    unknown = sorted(set(payload.mapping.values()) - IMPORTABLE_FIELDS - {"", EXTRA})
    if unknown:
        raise ValidationError(
            {"mapping": _("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)}}
        )
    return Status(
        202,
        services.ledger_import_remap(
            actor=request.user, ledger_import=ledger_import, mapping=payload.mapping
        ),
    )


@router.post(
    "/instruments/imports/{int:import_id}/commit",
    response={202: LedgerImportOut, 400: ErrorOut, 403: ErrorOut},
)
def import_commit(request, import_id: Id):
    """Import a checked file without problems, all at once, in the background."""
    ledger_import = get_visible_or_404(LedgerImport, request, pk=import_id)
    return Status(
        202, services.ledger_import_commit(actor=request.user, ledger_import=ledger_import)
    )


class WordsIn(Schema):
    words: dict[str, dict[str, str]] = Field(
        description='{"purpose": {"阴离子测定": "other"}, "declared_mandatory": {"Y": "yes"}}: '
        "what words of the file outside a field's vocabulary mean; remembered for the "
        "organisation's next imports once the file is imported"
    )


@router.put(
    "/instruments/imports/{int:import_id}/words",
    response={202: LedgerImportOut, 400: ErrorOut, 403: ErrorOut},
)
def import_words(request, import_id: Id, payload: WordsIn):
    """Say what unfamiliar words mean; the file is checked again."""
    ledger_import = get_visible_or_404(LedgerImport, request, pk=import_id)
    return Status(
        202,
        services.ledger_import_remap(
            actor=request.user, ledger_import=ledger_import, words=payload.words
        ),
    )


class LedgerSettingsOut(Schema):
    organisation: int
    number_prefix: str
    words: dict[str, dict]


class LedgerSettingsIn(Schema):
    number_prefix: str = Field(max_length=20)


@router.get(
    "/instruments/import-settings", response={200: LedgerSettingsOut, 400: ErrorOut, 404: ErrorOut}
)
def import_settings(request, organisation: Id | None = None):
    """How imports number instruments without a management number, and the remembered words."""
    target = organisation_for_new_instrument(request, organisation)
    return _settings_out(target, selectors.ledger_settings(user=request.user, organisation=target))


@router.put(
    "/instruments/import-settings",
    response={200: LedgerSettingsOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def import_settings_update(request, payload: LedgerSettingsIn, organisation: Id | None = None):
    target = organisation_for_new_instrument(request, organisation)
    settings = services.ledger_settings_update(
        actor=request.user, organisation=target, number_prefix=payload.number_prefix
    )
    return _settings_out(target, settings)


def _settings_out(organisation: Organisation, settings: LedgerSettings) -> dict:
    return {
        "organisation": organisation.pk,
        "number_prefix": settings.number_prefix,
        "words": settings.words,
    }
