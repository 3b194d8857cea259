"""Reads of the ledger that depend on who is asking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404

from jiliang.core.scoping import any_of, scope_for
from jiliang.instruments.choices import Conclusion, InstrumentStatus
from jiliang.instruments.models import (
    CatalogueItem,
    Instrument,
    InstrumentQuerySet,
    LedgerImport,
    LedgerSettings,
    VerificationRecord,
    red_condition,
)
from jiliang.orgs.models import Organisation, Region

SORTS = {
    "number": "management_number",
    "name": "name",
    "department": "department",
    "status": "status",
    "last": "last_record_date",
    "due": "next_due",
}
DEFAULT_SORT = "number"


@dataclass(frozen=True)
class LedgerFilters:
    """What a ledger list is narrowed to; every field optional."""

    query: str = ""
    organisation: int | None = None
    status: str = ""
    label: str = ""
    due_within_days: int | None = None
    overdue: bool = False
    mandatory: bool | None = None  # False: not mandatory, or undecided
    mandatory_status: str = ""  # a MandatoryStatus
    department: str = ""
    abc_class: str = ""
    catalogue_item: int | None = None
    ids: tuple[int, ...] = ()  # exactly these instruments, as a reminder's link names them
    sort: str = DEFAULT_SORT


def instrument_list(*, user, filters: LedgerFilters, today: date):
    """Visible instruments with their ``label`` annotated, filtered and sorted."""
    instruments = (
        Instrument.objects.visible_to(user)
        .select_related("catalogue_item", "organisation")
        .with_label(today)
    )
    instruments = _apply_filters(instruments, filters, today)
    field = SORTS.get(filters.sort.lstrip("-"), SORTS[DEFAULT_SORT])
    descending = filters.sort.startswith("-")
    return instruments.order_by(f"-{field}" if descending else field, "pk")


def _apply_filters(instruments, filters: LedgerFilters, today: date):
    if filters.query:
        instruments = instruments.filter(text_search(filters.query))
    if filters.ids:
        instruments = instruments.filter(pk__in=filters.ids)
    exact = {
        "organisation_id": filters.organisation,
        "status": filters.status,
        "label": filters.label,
        "department": filters.department,
        "abc_class": filters.abc_class,
        "catalogue_item_id": filters.catalogue_item,
    }
    instruments = instruments.filter(**{k: v for k, v in exact.items() if v not in ("", None)})
    if filters.mandatory is not None:
        mandatory = Instrument.objects.mandatory_condition()
        instruments = instruments.filter(mandatory if filters.mandatory else ~mandatory)
    if filters.mandatory_status:
        instruments = instruments.filter(
            Instrument.objects.mandatory_status_condition(filters.mandatory_status)
        )
    if filters.due_within_days is not None:
        instruments = instruments.filter(
            next_due__gte=today, next_due__lte=today + timedelta(days=filters.due_within_days)
        )
    if filters.overdue:
        instruments = instruments.filter(next_due__lt=today).exclude(
            status=InstrumentStatus.RETIRED
        )
    return instruments


def text_search(text: str) -> Q:
    """Name, numbers, model or another attribute from the ledger containing ``text``. Case only
    matters for Latin letters, and the case-insensitive match costs PostgreSQL an UPPER() of
    every row, so Chinese text and digits are matched as they are."""
    lookup = "icontains" if any(char.isascii() and char.isalpha() for char in text) else "contains"
    fields = ("name", "management_number", "serial_number", "model")
    # The ledger's other attributes are searched as their JSON text (Chinese kept as it is).
    return any_of(
        [Q(**{f"{field}__{lookup}": text}) for field in fields] + [Q(extra__icontains=text)]
    )


def record_history(*, user, instrument: Instrument):
    """All records of the instrument, newest first, corrections linked to what they correct."""
    return (
        VerificationRecord.objects.visible_to(user)
        .filter(instrument=instrument)
        .select_related("institution", "created_by", "supersedes", "correction")
        .newest_first()
    )


def last_record(*, user, instrument: Instrument) -> VerificationRecord | None:
    """The newest record that stands (not corrected): the one the ledger's dates follow."""
    return record_history(user=user, instrument=instrument).current().first()


def instrument_editable(*, user, instrument: Instrument) -> bool:
    return Instrument.objects.editable_by(user).filter(pk=instrument.pk).exists()


def ledger_summary(*, user, today: date, organisation: int | None = None) -> dict:
    """The dashboard counts of the visible ledger, in one query. Retired instruments count in
    the total only. The label counts use the label's conditions directly: evaluating the label
    expression once per count would triple the work."""
    instruments = Instrument.objects.visible_to(user)
    if organisation:
        instruments = instruments.filter(organisation_id=organisation)
    active = ~Q(status=InstrumentStatus.RETIRED)
    red = red_condition(today)
    counts = instruments.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=active),
        in_use=Count("pk", filter=Q(status=InstrumentStatus.IN_USE)),
        due_30=Count(
            "pk",
            filter=active & Q(next_due__gte=today, next_due__lte=today + timedelta(days=30)),
        ),
        overdue=Count("pk", filter=active & Q(next_due__lt=today)),
        mandatory=Count("pk", filter=active & Instrument.objects.mandatory_condition()),
        mandatory_undecided=Count("pk", filter=active & Instrument.objects.undecided_condition()),
        label_red=Count("pk", filter=active & red),
        label_yellow=Count("pk", filter=active & ~red & Q(last_conclusion=Conclusion.RESTRICTED)),
    )
    counts["label_green"] = counts.pop("active") - counts["label_red"] - counts["label_yellow"]
    return counts


def region_summary(*, user, today: date) -> list[dict]:
    """For a regulator: per region of their subtree, how many instruments, how many under
    mandatory verification and how many of those are overdue. Counts only, never rows."""
    scope = scope_for(user)
    if scope is None or not scope.regulated_region_ids:
        return []
    mandatory = Instrument.objects.mandatory_condition() & ~Q(status=InstrumentStatus.RETIRED)
    rows = (
        Instrument.objects.filter(organisation__region_id__in=scope.regulated_region_ids)
        .values("organisation__region_id")
        .annotate(
            organisations=Count("organisation", distinct=True),
            instruments=Count("pk"),
            mandatory=Count("pk", filter=mandatory),
            mandatory_overdue=Count("pk", filter=mandatory & Q(next_due__lt=today)),
        )
    )
    by_region = {row.pop("organisation__region_id"): row for row in rows}
    regions = Region.objects.filter(pk__in=scope.regulated_region_ids).order_by("path")
    return [
        {"region": region, **by_region[region.pk]} for region in regions if region.pk in by_region
    ]


def ledger_organisations(*, user):
    """The organisations whose ledger the user sees. Asked per visible organisation (an index
    seek each), not by collecting the organisation of every visible instrument."""
    instruments = Instrument.objects.visible_to(user).filter(organisation=OuterRef("pk"))
    return Organisation.objects.visible_to(user).filter(Exists(instruments)).order_by("name")


def department_names(*, user) -> list[str]:
    return list(
        Instrument.objects.visible_to(user)
        .exclude(department="")
        .order_by("department")
        .values_list("department", flat=True)
        .distinct()
    )


def catalogue_list():
    """The catalogue is public reference data for every signed-in user."""
    return CatalogueItem.objects.order_by("item", "category")


def editable_ledger_organisations(*, user):
    """The organisations in which the user may add instruments."""
    organisations = Organisation.objects.visible_to(user).filter(
        kind__in=["enterprise", "institution"], is_active=True
    )
    scope = scope_for(user)
    if not scope.is_platform_admin:
        organisations = organisations.filter(
            pk__in=scope.organisation_ids(InstrumentQuerySet.editor_roles)
        )
    return organisations.order_by("name")


def ledger_settings(*, user, organisation) -> LedgerSettings:
    """The organisation's import settings for one of its members (its defaults until they are
    first changed); Http404 for anyone else."""
    settings = LedgerSettings.objects.visible_to(user).filter(organisation=organisation).first()
    if settings is not None:
        return settings
    scope = scope_for(user)
    if scope is None or not (
        scope.is_platform_admin or organisation.pk in scope.organisation_ids()
    ):
        raise Http404
    return LedgerSettings(organisation=organisation)


def import_list(*, user):
    return (
        LedgerImport.objects.visible_to(user)
        .select_related("organisation", "created_by")
        .order_by("-created", "-pk")
    )
