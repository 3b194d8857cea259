"""Service orders: an enterprise asks a metrology institution to verify, calibrate or test its
instruments, or applies for an approval; the order moves through the states below, each move an
audited transition, and its results flow back into the enterprise's ledger."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiliang.core.models import TimeStampedModel
from jiliang.core.scoping import ScopedQuerySet
from jiliang.core.uploads import document_suffix, validate_document
from jiliang.instruments.choices import Conclusion
from jiliang.orders.choices import (
    APPROVAL_KINDS,
    OPEN_STATUSES,
    OrderKind,
    OrderStatus,
    Party,
    ServiceMode,
)
from jiliang.orders.institution_models import (  # noqa: F401  (the app's models, re-exported)
    CertificateNumberRule,
    MeasurementStandard,
)
from jiliang.orders.validators import validate_printable

EDITOR_ROLES = frozenset({"admin", "staff"})
S = OrderStatus
# The end states: an order in one of them holds its instruments no more (OrderItem.order_closed).
CLOSED_STATUSES = frozenset({S.COMPLETED, S.CANCELLED})


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    party: str


# Every move an order can make; anything else is refused.
TRANSITIONS = {
    transition.name: transition
    for transition in [
        Transition("submit", frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, Party.ENTERPRISE),
        Transition(
            "cancel", frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED}), S.CANCELLED, Party.ENTERPRISE
        ),
        Transition("return", frozenset({S.SUBMITTED}), S.RETURNED, Party.INSTITUTION),
        Transition("accept", frozenset({S.SUBMITTED}), S.ACCEPTED, Party.INSTITUTION),
        Transition("receive", frozenset({S.ACCEPTED}), S.IN_SERVICE, Party.INSTITUTION),
        Transition("complete", frozenset({S.IN_SERVICE}), S.COMPLETED, Party.INSTITUTION),
    ]
}


class TransitionRefused(ValidationError):
    """A step the order's state does not allow now: a transition from another state, a change
    of an order no longer open to it. The API answers 409 (a ValidationError of the data is a
    400); the pages show it on the form like any other refusal, being a ValidationError."""


FILING_HORIZON_DAYS = 30


def due_for_filing(today: date) -> Q:
    """The instruments mandatory filing orders (with ``mandatory_condition``): overdue, due
    within the horizon, or never verified at all (no record, so no due date either)."""
    return Q(next_due__lte=today + timedelta(FILING_HORIZON_DAYS)) | Q(
        next_due__isnull=True, last_record_date__isnull=True
    )


def _stored_name(folder: str, upload, filename: str) -> str:
    """An upload under the suffix of what it is (its first bytes say), not of its name; a file
    the platform generates (``upload`` not yet holding it) under its own name's."""
    suffix = document_suffix(upload) if upload else Path(filename).suffix.lower()[:5]
    return f"{folder}/{uuid.uuid4().hex}{suffix}"


def certificate_path(item, filename: str) -> str:
    return _stored_name(f"order-certificates/{item.institution_id}", item.certificate, filename)


def attachment_path(attachment, filename: str) -> str:
    return _stored_name(f"order-files/{attachment.order_id}", attachment.file, filename)


def order_condition(scope, roles=None, through: str = "") -> Q:
    """Orders of the user's enterprises, and those addressed to their institutions once
    submitted; ``through`` prefixes the lookups for a model related to the order."""
    ours = Q(**{f"{through}enterprise_id__in": scope.organisation_ids(roles)})
    addressed = Q(**{f"{through}institution_id__in": scope.organisation_ids(roles)})
    return ours | (addressed & ~Q(**{f"{through}status": S.DRAFT}))


class OrderQuerySet(ScopedQuerySet):
    """Regulators see counts of orders (selectors), never the orders themselves."""

    def visible_condition(self, scope):
        return order_condition(scope)

    def editable_condition(self, scope):
        return order_condition(scope, EDITOR_ROLES)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Order(TimeStampedModel):
    enterprise = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    institution = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="received_orders",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=OrderKind.choices)
    service_mode = models.CharField(_("service mode"), max_length=16, choices=ServiceMode.choices)
    carrier = models.CharField(
        _("carrier"), max_length=100, blank=True, validators=[validate_printable]
    )
    tracking_number = models.CharField(
        _("tracking number"), max_length=64, blank=True, validators=[validate_printable]
    )
    site_address = models.CharField(_("site address"), max_length=300, blank=True)
    wished_from = models.DateField(_("wished from"), null=True, blank=True)
    wished_to = models.DateField(_("wished to"), null=True, blank=True)
    contact_name = models.CharField(_("contact"), max_length=100)
    contact_phone = models.CharField(
        _("contact phone"), max_length=40, validators=[validate_printable]
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("For an approval: the standard, the authorisation or the pattern applied for."),
    )
    green_channel = models.BooleanField(
        _("green channel"), default=False, help_text=_("Small and medium enterprises.")
    )
    free_of_charge = models.BooleanField(
        _("free of charge"),
        default=False,
        help_text=_("Mandatory verification is free (强检停征收费, 财税〔2017〕20号)."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=OrderStatus.choices, default=S.DRAFT
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    clock_started = models.DateField(
        _("time limit counted from"),
        null=True,
        blank=True,
        help_text=_("Acceptance for approvals, receipt of the items otherwise."),
    )
    visit_date = models.DateField(
        _("visit"),
        null=True,
        blank=True,
        help_text=_(
            "On-site service: the day the institution's staff come. The visit is the receipt: "
            "the time limit counts from it."
        ),
    )
    time_limit_days = models.PositiveSmallIntegerField(
        _("time limit (working days)"), null=True, blank=True
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    finished_late = models.BooleanField(
        _("finished late"),
        default=False,
        help_text=_(
            "A mandatory verification finished after its time limit is free of any fee "
            "(强制检定办法 §15)."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            # The institution's queue: green channel first, then the nearest deadline.
            models.Index(
                fields=["institution", "-green_channel", "deadline", "submitted_at"],
                condition=Q(status__in=sorted(OPEN_STATUSES)),  # a stable order for migrations
                name="order_queue",
            ),
            models.Index(fields=["enterprise", "-created"]),
            models.Index(fields=["institution", "status"]),
            # Orders changed since a moment: what the campaigns' periodic recount looks for
            # (campaigns/counting.py), a few rows among millions.
            models.Index(fields=["updated"], name="order_updated"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("orders:order_detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"JL{timezone.localtime(self.created):%Y%m%d}{self.pk:06d}" if self.pk else ""

    @property
    def is_approval(self) -> bool:
        return self.kind in APPROVAL_KINDS

    def allowed(self, name: str) -> bool:
        return self.status in TRANSITIONS[name].sources

    def clean(self):
        errors = {}
        if self.service_mode == ServiceMode.MAIL and not self.tracking_number:
            errors["tracking_number"] = _("A mailed sample needs its tracking number.")
        if self.service_mode == ServiceMode.ON_SITE and not self.site_address:
            errors["site_address"] = _("On-site service needs the address.")
        if self.wished_from and self.wished_to and self.wished_to < self.wished_from:
            errors["wished_to"] = _("The last wished day is before the first.")
        if self.is_approval and not self.description:
            errors["description"] = _("Describe what the approval is for.")
        if errors:
            raise ValidationError(errors)


# The result fields a certificate prints: recording any of them again makes a generated
# certificate outdated.
CERTIFIED_FIELDS = (
    "conclusion",
    "result_date",
    "certificate_number",
    "valid_until",
    "measured_error",
    "expanded_uncertainty",
)
# Printed too, added later: they join the digest only when given, so that certificates
# generated before them are not flagged as outdated.
CONDITION_FIELDS = ("regulation", "temperature", "humidity", "place")


class OrderPartQuerySet(ScopedQuerySet):
    """Items, attachments and pauses: seen and changed with their order."""

    def visible_condition(self, scope):
        return order_condition(scope, through="order__")

    def editable_condition(self, scope):
        return order_condition(scope, EDITOR_ROLES, through="order__")


class OrderItem(models.Model):
    """An instrument of the order (or, for an approval, the object applied for) and its
    result; the institution is repeated here so that a certificate number is unique per
    institution in the database."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="items"
    )
    institution = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", editable=False
    )
    instrument = models.ForeignKey(
        "instruments.Instrument",
        verbose_name=_("instrument"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_items",
    )
    conclusion = models.CharField(
        _("conclusion"), max_length=16, choices=Conclusion.choices, blank=True
    )
    result_date = models.DateField(_("date of the result"), null=True, blank=True)
    certificate_number = models.CharField(
        _("certificate number"), max_length=100, blank=True, validators=[validate_printable]
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    measured_error = models.CharField(_("measured error"), max_length=100, blank=True)
    expanded_uncertainty = models.CharField(_("expanded uncertainty"), max_length=100, blank=True)
    regulation = models.CharField(
        _("regulation"),
        max_length=200,
        blank=True,
        validators=[validate_printable],
        help_text=_("检定依据: the JJG or JJF code and title, e.g. JJG 52-2013."),
    )
    standards = models.ManyToManyField(
        MeasurementStandard, verbose_name=_("measurement standards"), blank=True, related_name="+"
    )
    temperature = models.DecimalField(
        _("temperature (°C)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(-50, _("The temperature must be from −50 to 100 °C.")),
            MaxValueValidator(100, _("The temperature must be from −50 to 100 °C.")),
        ],
    )
    humidity = models.DecimalField(
        _("relative humidity (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0, _("The relative humidity must be from 0 to 100 %%.")),
            MaxValueValidator(100, _("The relative humidity must be from 0 to 100 %%.")),
        ],
    )
    place = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        validators=[validate_printable],
        help_text=_("Where the measurement was made: the laboratory, or the site."),
    )
    certificate = models.FileField(
        _("certificate"), upload_to=certificate_path, blank=True, validators=[validate_document]
    )
    # The digest of the result a generated certificate shows (result_digest); empty for an
    # uploaded certificate, which is the institution's own and is never flagged.
    certificate_facts = models.CharField(max_length=64, blank=True, editable=False)
    # What the certificate's QR code carries: the public check page finds the item by it.
    check_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    record = models.OneToOneField(
        "instruments.VerificationRecord",
        verbose_name=_("ledger record"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="order_item",
    )
    # The order's status is completed or cancelled (CLOSED_STATUSES), repeated here so that
    # the database itself keeps an instrument in one draft or open order at a time (a partial
    # unique constraint cannot look at another table); services.common._transition sets it in the
    # transaction that closes the order. Raw inserts (bench, core.bulk) get the database default.
    order_closed = models.BooleanField(default=False, db_default=False, editable=False)

    objects = OrderPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "certificate_number"],
                condition=~Q(certificate_number=""),
                name="certificate_number_once_per_institution",
                violation_error_message=_("This institution has issued this certificate number."),
            ),
            models.UniqueConstraint(
                fields=["order", "instrument"], name="order_item_instrument_once"
            ),
            # Of two orders made at once for one instrument, one holds it: the other's insert
            # waits for the first to commit, then fails (services.ordering._add_items names the
            # instrument). An approval's object (no instrument) is never in the way.
            models.UniqueConstraint(
                fields=["instrument"],
                condition=Q(order_closed=False, instrument__isnull=False),
                name="instrument_in_one_open_order",
                violation_error_message=_("The instrument is already in another order."),
            ),
        ]

    def __str__(self):
        return f"{self.order} {self.instrument or ''}".strip()

    @property
    def has_result(self) -> bool:
        return bool(self.conclusion and self.result_date)

    def result_digest(self) -> str:
        """A fingerprint of the recorded result as a certificate prints it."""
        facts = [str(getattr(self, name) or "") for name in CERTIFIED_FIELDS]
        conditions = [str(getattr(self, name) or "") for name in CONDITION_FIELDS]
        standards = sorted(standard.pk for standard in self.standards.all()) if self.pk else []
        if any(conditions) or standards:
            facts += [*conditions, standards]
        return hashlib.sha256(json.dumps(facts, ensure_ascii=False).encode()).hexdigest()

    @property
    def certificate_generated(self) -> bool:
        """Whether the stored certificate is one the platform generated (not an upload)."""
        return bool(self.certificate and self.certificate_facts)

    @property
    def certificate_outdated(self) -> bool:
        """A generated certificate whose result was recorded again since: it no longer shows
        the result and should be generated again (the file itself is kept)."""
        return self.certificate_generated and self.certificate_facts != self.result_digest()

    def clean(self):
        if self.valid_until and self.result_date and self.valid_until < self.result_date:
            raise ValidationError(
                {"valid_until": _("The valid-until date is before the date of the result.")}
            )


class OrderAttachment(models.Model):
    """A document of the order: an approval's application material, a delivery note."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_path, validators=[validate_document])
    created = models.DateTimeField(_("uploaded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    objects = OrderPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("order attachment")
        verbose_name_plural = _("order attachments")

    def __str__(self):
        return self.title


class OrderPause(models.Model):
    """Time that does not count against an approval's limit (行政许可法 §45: expert review,
    型式评价): whole days from ``started`` to ``ended``."""

    class Reason(models.TextChoices):
        EXPERT_REVIEW = "expert_review", _("Expert review")
        TYPE_EVALUATION = "type_evaluation", _("Pattern evaluation")

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="pauses"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    started = models.DateField(_("from"))
    ended = models.DateField(_("to"), null=True, blank=True)

    objects = OrderPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("pause of the time limit")
        verbose_name_plural = _("pauses of the time limit")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended__isnull=True) | Q(ended__gte=models.F("started")),
                name="pause_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()} {self.started}–{self.ended or ''}"


class TimeLimit(models.Model):
    """An institution's own time limit for a kind of order, in working days; without one the
    platform's defaults apply (services.DEFAULT_TIME_LIMITS)."""

    institution = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="time_limits",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=OrderKind.choices)
    green_channel = models.BooleanField(_("green channel"), default=False)
    working_days = models.PositiveSmallIntegerField(
        _("working days"), validators=[MinValueValidator(1), MaxValueValidator(250)]
    )

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "kind", "green_channel"], name="time_limit_once"
            )
        ]

    def __str__(self):
        return f"{self.institution} {self.get_kind_display()} {self.working_days}"
