from datetime import date

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from jiliang.core.api import ErrorOut, Id, Schema, get_visible_or_404, patch_data
from jiliang.core.responses import xlsx_response
from jiliang.instruments import selectors, services
from jiliang.instruments.choices import (
    AbcClass,
    Conclusion,
    InstrumentStatus,
    Label,
    MandatoryStatus,
    Purpose,
    RecordKind,
    Tolerance,
    Traceability,
)
from jiliang.instruments.exporting import export_ledger
from jiliang.instruments.models import CatalogueItem, Instrument
from jiliang.instruments.selectors import SORTS, LedgerFilters
from jiliang.orgs.models import Organisation

router = Router(tags=["instruments"])
OptionalDay = date | None
SORT_VALUES = "|".join([*SORTS, *(f"-{key}" for key in SORTS)])


class CatalogueItemOut(Schema):
    id: int
    number: int | None = Field(description="序号 in the official table, where known")
    item: str
    category: str
    supervision: str
    mandatory_form: str
    scope_purposes: list[Purpose] = Field(
        description="The purposes the item is mandatory for (强制检定的范围); empty: all four"
    )
    scope_note: str
    source: str

    @staticmethod
    def resolve_scope_purposes(obj):
        return obj.scope_purposes.split()


class InstrumentFields(Schema):
    management_number: str = Field(max_length=64)
    name: str = Field(max_length=200)
    model: str = Field("", max_length=200)
    serial_number: str = Field("", max_length=100)
    manufacturer: str = Field("", max_length=200)
    measuring_range: str = Field("", max_length=200)
    accuracy: str = Field("", max_length=200)
    department: str = Field("", max_length=100)
    location: str = Field("", max_length=200)
    custodian: str = Field("", max_length=100)
    commissioning_date: date | None = None
    abc_class: AbcClass | None = None
    traceability: Traceability = Traceability.VERIFICATION
    interval_months: int | None = Field(None, ge=1, le=600)
    purpose: Purpose = Purpose.OTHER
    catalogue_item: Id | None = Field(None, description="Catalogue item id")
    status: InstrumentStatus = InstrumentStatus.IN_USE
    notes: str = ""


class InstrumentIn(InstrumentFields):
    organisation: Id | None = Field(
        None, description="Organisation id; may be left out by members of a single organisation"
    )


class InstrumentPatch(Schema):
    management_number: str | None = Field(None, max_length=64)
    name: str | None = Field(None, max_length=200)
    model: str | None = Field(None, max_length=200)
    serial_number: str | None = Field(None, max_length=100)
    manufacturer: str | None = Field(None, max_length=200)
    measuring_range: str | None = Field(None, max_length=200)
    accuracy: str | None = Field(None, max_length=200)
    department: str | None = Field(None, max_length=100)
    location: str | None = Field(None, max_length=200)
    custodian: str | None = Field(None, max_length=100)
    commissioning_date: date | None = None
    abc_class: AbcClass | None = None
    traceability: Traceability | None = None
    interval_months: int | None = Field(None, ge=1, le=600)
    purpose: Purpose | None = None
    catalogue_item: Id | None = None
    status: InstrumentStatus | None = None
    notes: str | None = None


class InstrumentOut(Schema):
    id: int
    organisation: int = Field(alias="organisation_id")
    management_number: str
    name: str
    model: str
    serial_number: str
    manufacturer: str
    measuring_range: str
    accuracy: str
    department: str
    location: str
    custodian: str
    commissioning_date: date | None
    abc_class: str
    traceability: Traceability
    interval_months: int | None
    purpose: Purpose
    catalogue_item: CatalogueItemOut | None
    status: InstrumentStatus
    notes: str
    last_record_date: date | None
    last_conclusion: str
    next_due: date | None
    label: Label
    mandatory_status: MandatoryStatus = Field(
        description=(
            "undecided: used for trade, safety, health or the environment without a catalogue "
            "item that decides (无法判定)"
        )
    )
    is_mandatory: bool = Field(description="mandatory_status is mandatory (false when undecided)")
    declared_mandatory: bool | None = Field(
        description="What the imported ledger says (是否强检); null when it says nothing"
    )
    ledger_disagrees: bool = Field(description="The ledger says otherwise than is_mandatory")
    verification_date_unknown: bool = Field(
        description="Verified per the imported ledger, which gives only the valid-until date"
    )
    extra: dict[str, str] = Field(description="Other attributes from the ledger, by header")


class LedgerQuery(Schema):
    q: str = Field("", max_length=100, description="Name, management number, serial or model")
    organisation: Id | None = None
    status: InstrumentStatus | None = None
    label: Label | None = None
    due_within_days: int | None = Field(None, ge=0, le=3650)
    overdue: bool = False
    mandatory: bool | None = Field(
        None, description="true: mandatory; false: not mandatory or undecided"
    )
    mandatory_status: MandatoryStatus | None = None
    department: str = Field("", max_length=100)
    abc_class: AbcClass | None = None
    catalogue_item: Id | None = None
    sort: str = Field("number", pattern=f"^({SORT_VALUES})$")

    def filters(self) -> LedgerFilters:
        return LedgerFilters(
            query=self.q,
            organisation=self.organisation,
            status=self.status or "",
            label=self.label or "",
            due_within_days=self.due_within_days,
            overdue=self.overdue,
            mandatory=self.mandatory,
            mandatory_status=self.mandatory_status or "",
            department=self.department,
            abc_class=self.abc_class or "",
            catalogue_item=self.catalogue_item,
            sort=self.sort,
        )


class RecordIn(Schema):
    date: date
    kind: RecordKind
    institution: Id | None = Field(None, description="A metrology institution's id")
    institution_name: str = Field("", max_length=200)
    certificate_number: str = Field("", max_length=100)
    conclusion: Conclusion
    as_found: Tolerance = Tolerance.UNKNOWN
    as_left: Tolerance = Tolerance.UNKNOWN
    measured_error: str = Field("", max_length=100)
    expanded_uncertainty: str = Field("", max_length=100)
    valid_until: date | None = None
    notes: str = ""
    supersedes: Id | None = Field(None, description="The id of the record this one corrects")


class RecordOut(Schema):
    id: int
    # The annotation is evaluated after the value: a name other than the field's.
    date: OptionalDay = Field(description="null: imported from a ledger without the day")
    kind: RecordKind
    institution: int | None = Field(alias="institution_id")
    performed_by: str
    certificate_number: str
    conclusion: Conclusion
    as_found: str
    as_left: str
    measured_error: str
    expanded_uncertainty: str
    has_certificate_file: bool
    valid_until: OptionalDay
    supersedes: int | None = Field(alias="supersedes_id")
    notes: str

    @staticmethod
    def resolve_has_certificate_file(obj):
        return bool(obj.certificate)


class SummaryOut(Schema):
    total: int
    in_use: int
    due_30: int
    overdue: int
    mandatory: int
    mandatory_undecided: int = Field(description="Mandatory verification cannot be decided")
    label_green: int
    label_yellow: int
    label_red: int


class RegionCountOut(Schema):
    region: int
    region_name: str
    organisations: int
    instruments: int
    mandatory: int
    mandatory_overdue: int


def _catalogue_item(item_id):
    if item_id is None:
        return None
    item = CatalogueItem.objects.filter(pk=item_id).first()
    if item is None:
        raise ValidationError(
            {"catalogue_item": _("There is no catalogue item %(id)s.") % {"id": item_id}}
        )
    return item


def organisation_for_new_instrument(request, organisation_id):
    editable = selectors.editable_ledger_organisations(user=request.user)
    if organisation_id is not None:
        return get_visible_or_404(Organisation, request, pk=organisation_id)
    choices = list(editable[:2])
    if len(choices) != 1:
        raise ValidationError(
            {"organisation": _("Say which organisation the instrument belongs to.")}
        )
    return choices[0]


@router.get("/instruments", response=list[InstrumentOut])
@paginate
def instrument_list(request, query: Query[LedgerQuery]):
    return selectors.instrument_list(
        user=request.user, filters=query.filters(), today=timezone.localdate()
    )


@router.post(
    "/instruments", response={201: InstrumentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def instrument_create(request, payload: InstrumentIn):
    data = payload.dict(exclude={"organisation"})
    data["catalogue_item"] = _catalogue_item(data["catalogue_item"])
    data["abc_class"] = data["abc_class"] or ""
    organisation = organisation_for_new_instrument(request, payload.organisation)
    instrument = services.instrument_create(actor=request.user, organisation=organisation, **data)
    return Status(201, _annotated(request, instrument.pk))


@router.get("/instruments/summary", response=SummaryOut)
def instrument_summary(request, organisation: Id | None = None):
    """The ledger dashboard's counts over the instruments you see."""
    return selectors.ledger_summary(
        user=request.user, today=timezone.localdate(), organisation=organisation
    )


@router.get("/instruments/departments", response=list[str])
def instrument_departments(request):
    """The departments named in the ledgers you see, in order."""
    return selectors.department_names(user=request.user)


@router.get("/instruments/regions", response=list[RegionCountOut])
def instrument_region_counts(request):
    """For regulators: counts per region of their subtree, never another organisation's rows."""
    return [
        {**row, "region": row["region"].pk, "region_name": row["region"].name}
        for row in selectors.region_summary(user=request.user, today=timezone.localdate())
    ]


@router.get("/instruments/{int:instrument_id}", response=InstrumentOut)
def instrument_detail(request, instrument_id: Id):
    return _annotated(request, instrument_id)


@router.patch(
    "/instruments/{int:instrument_id}", response={200: InstrumentOut, 400: ErrorOut, 403: ErrorOut}
)
def instrument_update(request, instrument_id: Id, payload: InstrumentPatch):
    instrument = get_visible_or_404(Instrument, request, pk=instrument_id)
    data = patch_data(payload, Instrument)
    if "catalogue_item" in data:
        data["catalogue_item"] = _catalogue_item(data["catalogue_item"])
    services.instrument_update(actor=request.user, instrument=instrument, data=data)
    return _annotated(request, instrument_id)


@router.post(
    "/instruments/{int:instrument_id}/retire", response={200: InstrumentOut, 403: ErrorOut}
)
def instrument_retire(request, instrument_id: Id):
    instrument = get_visible_or_404(Instrument, request, pk=instrument_id)
    services.instrument_update(
        actor=request.user, instrument=instrument, data={"status": InstrumentStatus.RETIRED}
    )
    return _annotated(request, instrument_id)


@router.get("/instruments/{int:instrument_id}/records", response=list[RecordOut])
@paginate
def record_list(request, instrument_id: Id):
    instrument = get_visible_or_404(Instrument, request, pk=instrument_id)
    return selectors.record_history(user=request.user, instrument=instrument)


@router.post(
    "/instruments/{int:instrument_id}/records",
    response={201: RecordOut, 400: ErrorOut, 403: ErrorOut},
)
def record_create(
    request, instrument_id: Id, payload: Form[RecordIn], certificate: File[UploadedFile] = None
):
    """Multipart form; ``certificate`` is an optional PDF, PNG or JPEG of at most 10 MB."""
    instrument = get_visible_or_404(Instrument, request, pk=instrument_id)
    data = payload.dict()
    supersedes_id = data.pop("supersedes")
    supersedes = (
        get_visible_or_404(instrument.records.model, request, pk=supersedes_id)
        if supersedes_id
        else None
    )
    institution_id = data.pop("institution")
    data["institution"] = (
        Organisation.objects.filter(pk=institution_id, kind="institution").first()
        if institution_id
        else None
    )
    if institution_id and data["institution"] is None:
        raise ValidationError(
            {"institution": _("There is no metrology institution %(id)s.") % {"id": institution_id}}
        )
    record = services.record_create(
        actor=request.user,
        instrument=instrument,
        supersedes=supersedes,
        certificate=certificate or "",
        **data,
    )
    return Status(201, record)


@router.get("/instruments/export", response={200: None})
def instrument_export(request, query: Query[LedgerQuery]):
    """The instruments the filters select, as xlsx in the usual ledger layout."""
    instruments = selectors.instrument_list(
        user=request.user, filters=query.filters(), today=timezone.localdate()
    )
    content = export_ledger(instruments, title=_("Instrument ledger"), today=timezone.localdate())
    return xlsx_response(content, f"ledger-{timezone.localdate().isoformat()}.xlsx")


@router.get("/catalogue", response=list[CatalogueItemOut])
@paginate
def catalogue_list(request):
    return selectors.catalogue_list()


def _annotated(request, instrument_id: int):
    """The instrument with its label annotated, as the list shows it."""
    instruments = selectors.instrument_list(
        user=request.user, filters=LedgerFilters(), today=timezone.localdate()
    )
    return get_object_or_404(instruments, pk=instrument_id)
