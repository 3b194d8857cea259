"""The measuring-instrument ledger: catalogue, instruments, verification and calibration records."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiliang.core.encoders import ReadableJSONEncoder
from jiliang.core.models import TimeStampedModel
from jiliang.core.scoping import OrganisationScopedQuerySet, any_of
from jiliang.core.uploads import document_suffix, validate_document
from jiliang.instruments import schedule
from jiliang.instruments.choices import (
    MANDATORY_PURPOSES,
    OUT_OF_SERVICE,
    AbcClass,
    Conclusion,
    InstrumentStatus,
    Label,
    MandatoryForm,
    MandatoryStatus,
    Purpose,
    RecordKind,
    Supervision,
    Tolerance,
    Traceability,
)
from jiliang.instruments.import_models import (  # noqa: F401  (the app's models, re-exported)
    LedgerImport,
    LedgerImportQuerySet,
    LedgerSettings,
    LedgerSettingsQuerySet,
    import_path,
    validate_number_prefix,
)
from jiliang.instruments.validators import validate_identifier, validate_ledger_day

MANDATORY_SUPERVISIONS = [Supervision.MANDATORY_VERIFICATION, Supervision.BOTH]
_FOUR = sorted(MANDATORY_PURPOSES)


class CatalogueItem(models.Model):
    """A row of 《实施强制管理的计量器具目录》 (SAMR 公告2020年第42号): reference data."""

    number = models.PositiveSmallIntegerField(
        _("number"), null=True, blank=True, help_text=_("序号 of the item in the official table")
    )
    item = models.CharField(_("item"), max_length=100, help_text=_("项目, the first level"))
    category = models.CharField(
        _("category"), max_length=200, help_text=_("种类, the second level")
    )
    supervision = models.CharField(
        _("supervision"),
        max_length=16,
        choices=Supervision.choices,
        blank=True,
        help_text=_("Blank while the official table has not been checked for this row."),
    )
    mandatory_form = models.CharField(
        _("form of mandatory verification"),
        max_length=32,
        choices=MandatoryForm.choices,
        blank=True,
    )
    scope_purposes = models.CharField(
        _("mandatory for"),
        max_length=64,
        blank=True,
        help_text=_(
            "强制检定的范围: the purposes for which the item is mandatory, separated by spaces; "
            "blank for all four."
        ),
    )
    scope_note = models.CharField(_("scope"), max_length=300, blank=True)
    keywords = models.CharField(
        _("other names"),
        max_length=300,
        blank=True,
        help_text=_("Words in instrument names that mean this item, separated by spaces."),
    )
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        ordering = ["item", "category"]
        constraints = [
            models.UniqueConstraint(fields=["item", "category"], name="catalogue_item_unique"),
        ]

    def __str__(self):
        return f"{self.item} / {self.category}" if self.category != self.item else self.item

    @property
    def requires_verification(self) -> bool:
        return self.supervision in MANDATORY_SUPERVISIONS

    def covers(self, purpose: str) -> bool:
        """Whether the item's scope takes in ``purpose`` (one of the four purposes)."""
        return not self.scope_purposes or purpose in self.scope_purposes.split()

    def get_scope_purposes_display(self) -> str:
        purposes = self.scope_purposes.split() or [p for p in Purpose if p in MANDATORY_PURPOSES]
        return "、".join(str(Purpose(code).label) for code in purposes)

    def match_terms(self) -> list[str]:
        return [term for term in (self.category, self.item, *self.keywords.split()) if term]


class InstrumentQuerySet(OrganisationScopedQuerySet):
    # Regulators see counts for their region (selectors.region_summary), never the rows.
    regulators_see = False

    @staticmethod
    def mandatory_condition() -> Q:
        """``schedule.mandatory_status`` is ``mandatory``, in SQL. The purpose codes are
        distinct words, none inside another, so ``contains`` finds one in the scope."""
        in_scope = any_of(
            [Q(purpose=code, catalogue_item__scope_purposes__contains=code) for code in _FOUR]
        )
        return (
            Q(catalogue_item__supervision__in=MANDATORY_SUPERVISIONS)
            & Q(purpose__in=MANDATORY_PURPOSES)
            & (Q(catalogue_item__scope_purposes="") | in_scope)
        )

    @staticmethod
    def undecided_condition() -> Q:
        """``schedule.mandatory_status`` is ``undecided``, in SQL."""
        return Q(purpose__in=MANDATORY_PURPOSES) & (
            Q(catalogue_item__isnull=True) | Q(catalogue_item__supervision="")
        )

    @staticmethod
    def mandatory_status_condition(status: str) -> Q:
        mandatory = InstrumentQuerySet.mandatory_condition()
        undecided = InstrumentQuerySet.undecided_condition()
        return {
            MandatoryStatus.MANDATORY: mandatory,
            MandatoryStatus.UNDECIDED: undecided,
            MandatoryStatus.NOT_MANDATORY: ~mandatory & ~undecided,
        }[status]

    def with_label(self, today):
        """Annotate ``label``: the same rule as ``Instrument.label_on`` in SQL, for filtering."""
        return self.annotate(
            label=Case(
                When(red_condition(today), then=Value(Label.RED)),
                When(last_conclusion=Conclusion.RESTRICTED, then=Value(Label.YELLOW)),
                default=Value(Label.GREEN),
            )
        )


def red_condition(today) -> Q:
    """Do not use: out of service, failed, never verified (unless exempt) or overdue."""
    return (
        Q(status__in=OUT_OF_SERVICE)
        | Q(last_conclusion=Conclusion.FAIL)
        | (Q(last_conclusion="") & ~Q(traceability=Traceability.EXEMPT))
        | Q(next_due__lt=today)
    )


class Instrument(TimeStampedModel):
    """One measuring instrument of an organisation's ledger (计量器具台账).

    ``last_record_date``, ``last_conclusion`` and ``next_due`` follow from the records and are
    written only by ``services.instrument_refresh_schedule``.
    """

    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="instruments",
        db_index=False,  # every index of the model starts with the organisation
    )
    management_number = models.CharField(
        _("management number"), max_length=64, validators=[validate_identifier]
    )
    name = models.CharField(_("name"), max_length=200)
    model = models.CharField(_("model / specification"), max_length=200, blank=True)
    serial_number = models.CharField(
        _("serial number"), max_length=100, blank=True, validators=[validate_identifier]
    )
    manufacturer = models.CharField(_("manufacturer"), max_length=200, blank=True)
    measuring_range = models.CharField(_("measuring range"), max_length=200, blank=True)
    accuracy = models.CharField(
        _("accuracy"),
        max_length=200,
        blank=True,
        help_text=_("Class, maximum permissible error or uncertainty, as written."),
    )
    department = models.CharField(_("department"), max_length=100, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    custodian = models.CharField(_("custodian"), max_length=100, blank=True)
    commissioning_date = models.DateField(
        _("commissioning date"), null=True, blank=True, validators=[validate_ledger_day]
    )
    abc_class = models.CharField(_("ABC class"), max_length=1, choices=AbcClass.choices, blank=True)
    traceability = models.CharField(
        _("traceability"),
        max_length=16,
        choices=Traceability.choices,
        default=Traceability.VERIFICATION,
    )
    interval_months = models.PositiveSmallIntegerField(
        _("interval (months)"),
        null=True,
        blank=True,
        help_text=_(
            "Verification or calibration interval; for instruments replaced when due, "
            "their use life."
        ),
    )
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.OTHER
    )
    catalogue_item = models.ForeignKey(
        CatalogueItem,
        verbose_name=_("catalogue item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instruments",
        db_index=False,  # most instruments have none: a partial index in Meta
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=InstrumentStatus.choices,
        default=InstrumentStatus.IN_USE,
    )
    notes = models.TextField(_("notes"), blank=True)
    declared_mandatory = models.BooleanField(
        _("mandatory according to the ledger"),
        null=True,
        blank=True,
        help_text=_(
            "What the imported ledger says (是否强检), kept beside the platform's decision."
        ),
    )
    extra = models.JSONField(
        _("other attributes"),
        default=dict,
        db_default={},
        blank=True,
        encoder=ReadableJSONEncoder,
        help_text=_("Columns of the imported ledger that no field holds, by their header."),
    )
    last_record_date = models.DateField(_("last verified"), null=True, blank=True, editable=False)
    last_conclusion = models.CharField(
        _("last conclusion"),
        max_length=16,
        choices=Conclusion.choices,
        blank=True,
        editable=False,
    )
    next_due = models.DateField(_("next due"), null=True, blank=True, editable=False)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "management_number"],
                name="instrument_number_unique_per_organisation",
                violation_error_message=_(
                    "Another instrument of this organisation has this management number."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "next_due"]),
            # Covers the dashboard counts and the label filters without touching the table. The
            # counts read all of an organisation's rows, so only the keys are sorted: a new row
            # goes after its equals instead of into the middle of the index, which an import of
            # a hundred thousand rows would otherwise do a hundred thousand times.
            models.Index(
                fields=["organisation", "status"],
                include=[
                    "next_due",
                    "last_conclusion",
                    "traceability",
                    "purpose",
                    "catalogue_item",
                ],
                name="instrument_ledger_counts_idx",
            ),
            models.Index(fields=["organisation", "department"]),
            models.Index(fields=["organisation", "name"]),
            models.Index(
                fields=["catalogue_item"],
                condition=Q(catalogue_item__isnull=False),
                name="instrument_catalogue_item_idx",
            ),
            # The daily reminders look up due dates across all organisations.
            models.Index(
                fields=["next_due"],
                condition=Q(status__in=["in_use", "repair"]),
                name="instrument_reminded_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.management_number} {self.name}"

    def get_absolute_url(self):
        return reverse("instruments:instrument_detail", args=[self.pk])

    def clean(self):
        if (
            schedule.needs_interval(self.traceability, self.mandatory_form)
            and not self.interval_months
        ):
            raise ValidationError(
                {
                    "interval_months": _(
                        "Give the interval for an instrument verified or calibrated periodically."
                    )
                }
            )

    @property
    def mandatory_status(self) -> str:
        return schedule.mandatory_status(self.catalogue_item, self.purpose)

    @property
    def is_mandatory(self) -> bool:
        return self.mandatory_status == MandatoryStatus.MANDATORY

    @property
    def is_undecided(self) -> bool:
        return self.mandatory_status == MandatoryStatus.UNDECIDED

    @property
    def ledger_disagrees(self) -> bool:
        """Whether the imported ledger says otherwise than the platform about mandatory
        verification; never while the platform cannot decide."""
        return (
            self.declared_mandatory is not None
            and not self.is_undecided
            and self.declared_mandatory != self.is_mandatory
        )

    @property
    def verification_date_unknown(self) -> bool:
        """Verified, as the ledger states a valid-until date, but on a day it does not give."""
        return bool(self.last_conclusion) and self.last_record_date is None

    @property
    def mandatory_form(self) -> str:
        return schedule.mandatory_form(self.catalogue_item, self.purpose)

    def label_on(self, today) -> str:
        """The three-colour label on ``today``; ``with_label`` is its SQL twin."""
        out_of_service = self.status in OUT_OF_SERVICE
        never_verified = not self.last_conclusion and self.traceability != Traceability.EXEMPT
        overdue = self.next_due is not None and self.next_due < today
        if out_of_service or self.last_conclusion == Conclusion.FAIL or never_verified or overdue:
            return Label.RED
        if self.last_conclusion == Conclusion.RESTRICTED:
            return Label.YELLOW
        return Label.GREEN


class InstrumentPartQuerySet(OrganisationScopedQuerySet):
    """Rows that belong to an instrument: scoped like the instrument itself."""

    organisation_field = "instrument__organisation"
    regulators_see = False


class VerificationRecordQuerySet(InstrumentPartQuerySet):
    def current(self):
        """Records not superseded by a correction."""
        return self.filter(~Exists(VerificationRecord.objects.filter(supersedes=OuterRef("pk"))))

    def newest_first(self, *by):
        """Ordered by ``by``, then newest first; a record of unknown date (imported from a
        ledger that gives only the valid-until date) is older than any dated one."""
        return self.order_by(*by, models.F("date").desc(nulls_last=True), "-pk")


def certificate_path(record, filename: str) -> str:
    suffix = document_suffix(record.certificate)
    return f"certificates/{record.instrument.organisation_id}/{uuid.uuid4().hex}{suffix}"


def attachment_path(attachment, filename: str) -> str:
    suffix = document_suffix(attachment.file)
    return f"certificates/{attachment.instrument.organisation_id}/{uuid.uuid4().hex}{suffix}"


class VerificationRecord(models.Model):
    """One verification or calibration of an instrument. Append-only: a correction is a new
    record that ``supersedes`` the wrong one, which stays in the history."""

    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("instrument"),
        on_delete=models.CASCADE,
        related_name="records",
        db_index=False,  # the (instrument, -date) index serves lookups by instrument
    )
    date = models.DateField(
        _("date"),
        null=True,
        blank=True,
        validators=[validate_ledger_day],
        help_text=_("Empty when an imported ledger gives only the valid-until date."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RecordKind.choices)
    institution = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("performed by (on the platform)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "institution"},
        db_index=False,  # most records are not the platform's: a partial index in Meta
    )
    institution_name = models.CharField(_("performed by"), max_length=200, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=16, choices=Conclusion.choices)
    as_found = models.CharField(_("as found"), max_length=4, choices=Tolerance.choices, blank=True)
    as_left = models.CharField(_("as left"), max_length=4, choices=Tolerance.choices, blank=True)
    measured_error = models.CharField(_("measured error"), max_length=100, blank=True)
    expanded_uncertainty = models.CharField(
        _("expanded uncertainty"),
        max_length=100,
        blank=True,
        help_text=_("e.g. U = 0.02 mm, k = 2"),
    )
    certificate = models.FileField(
        _("certificate file"),
        upload_to=certificate_path,
        blank=True,
        validators=[validate_document],
    )
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, validators=[validate_ledger_day]
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    notes = models.TextField(_("notes"), blank=True)
    created = models.DateTimeField(_("entered"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = VerificationRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("verification or calibration record")
        verbose_name_plural = _("verification and calibration records")
        indexes = [
            models.Index(fields=["instrument", "-date"]),
            models.Index(
                fields=["institution"],
                condition=Q(institution__isnull=False),
                name="record_institution_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("date")),
                name="record_valid_after_date",
                violation_error_message=_("The valid-until date cannot be before the record date."),
            ),
        ]

    def __str__(self):
        day = self.date or _("date unknown")
        return f"{self.instrument.management_number} {day} {self.get_conclusion_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError(_("Records are append-only: enter a correction instead."))
        super().save(*args, **kwargs)

    def clean(self):
        if self.institution_id and self.institution.kind != "institution":
            raise ValidationError({"institution": _("Choose a metrology institution.")})

    @property
    def performed_by(self) -> str:
        return self.institution.name if self.institution_id else self.institution_name


class InstrumentAttachment(models.Model):
    """A manual, photo or other document kept with an instrument."""

    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("instrument"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_path, validators=[validate_document])
    created = models.DateTimeField(_("uploaded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = InstrumentPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.title
