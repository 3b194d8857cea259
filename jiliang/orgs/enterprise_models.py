"""The enterprise database (企业信息库): an enterprise's profile, its free tags, and its
self-registration waiting for a bureau (re-exported by ``orgs.models``).

The profile is a model of its own, one-to-one with the enterprise (its primary key is the
organisation's id): only enterprises have one, and the organisation table that every scoped
query reads stays narrow. ``Organisation.size_class`` and ``Organisation.industry`` remain the
enterprise's effective size class and section, written by the profile's service, so that what
already reads them (``is_sme``, campaigns' counts, filters) stays right.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.lookups import StartsWith
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiliang.core.models import TimeStampedModel
from jiliang.core.scoping import OrganisationScopedQuerySet, UserScope
from jiliang.orgs.choices import MeasurementSystemStatus, RegistrationStatus, SizeClass
from jiliang.orgs.industries import industry_codes, validate_industry_code

TAG_MAX_LENGTH = 30
# A size class given without figures to compute it from (by a form, or by migration 0004 for
# the enterprises recorded before the database): kept as set by hand, with one of these stored
# reasons, until the figures give one (enterprise_services._classify).
GIVEN_REASON = "Given when the organisation was recorded, without employees or revenue"
LEGACY_REASON = "Recorded before the enterprise database, without employees or revenue"
PLACEHOLDER_REASONS = {
    GIVEN_REASON: _("Given when the organisation was recorded, without employees or revenue"),
    LEGACY_REASON: _("Recorded before the enterprise database, without employees or revenue"),
}


def normalise_tag(name: str) -> str:
    """One spelling per tag: spaces collapsed, Latin letters in lower case."""
    return " ".join(name.split()).lower()


class Tag(models.Model):
    """A free tag on enterprises (e.g. 专精特新), stored once, normalised."""

    name = models.CharField(_("name"), max_length=TAG_MAX_LENGTH, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


ACTING_ROLES = frozenset({"admin", "staff"})


def below_acting_bureaus(scope: UserScope) -> Q:
    """The rows of enterprises below a bureau (its region or one under it) where the scope's
    user is admin or staff: a subquery, no query of its own."""
    from jiliang.orgs.models import Organisation

    acting = scope.organisation_ids(ACTING_ROLES)
    if not acting:
        return Q(pk__in=[])
    bureaus = Organisation.objects.filter(
        StartsWith(OuterRef("organisation__region__path"), F("region__path")),
        pk__in=acting,
        kind="regulator",
    )
    return Q(Exists(bureaus))


class EnterpriseProfileQuerySet(OrganisationScopedQuerySet):
    """Seen as the enterprise is; kept by its administrators and staff and by those of the
    bureaus above it."""

    editor_roles = ACTING_ROLES

    def editable_condition(self, scope):
        return super().editable_condition(scope) | below_acting_bureaus(scope)


class EnterpriseProfile(TimeStampedModel):
    organisation = models.OneToOneField(
        "orgs.Organisation",
        verbose_name=_("enterprise"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="profile",
    )
    industry_code = models.CharField(
        _("industry code (GB/T 4754-2017)"),
        max_length=4,
        blank=True,
        validators=[validate_industry_code],
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue = models.DecimalField(
        _("annual revenue (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    total_assets = models.DecimalField(
        _("total assets (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Construction, real estate development, leasing and business services only"),
    )
    computed_size_class = models.CharField(
        _("size class by the rule"),
        max_length=8,
        choices=SizeClass.choices,
        blank=True,
        editable=False,
    )
    size_class_override = models.CharField(
        _("size class set by a regulator"), max_length=8, choices=SizeClass.choices, blank=True
    )
    size_class_override_reason = models.CharField(
        _("reason for the size class set"), max_length=300, blank=True
    )
    main_products = models.TextField(_("main products"), blank=True)
    key_processes = models.TextField(_("key measurement processes"), blank=True)
    metrology_staff_count = models.PositiveIntegerField(_("metrology staff"), null=True, blank=True)
    metrology_staff = models.TextField(_("metrology staff: names and qualifications"), blank=True)
    measurement_standards = models.TextField(
        _("own measurement standards"), blank=True, help_text=_("One per line")
    )
    measurement_system = models.CharField(
        _("measurement management system"),
        max_length=12,
        choices=MeasurementSystemStatus.choices,
        default=MeasurementSystemStatus.NONE,
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="profiles")

    objects = EnterpriseProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise profile")
        verbose_name_plural = _("enterprise profiles")
        indexes = [models.Index(fields=["industry_code"], name="profile_industry_code")]
        constraints = [
            models.CheckConstraint(
                condition=Q(size_class_override="") | ~Q(size_class_override_reason=""),
                name="profile_override_has_reason",
                violation_error_message=_("Say why the size class is set by hand."),
            ),
        ]

    def __str__(self):
        return str(self.organisation)

    def clean(self):
        if self.size_class_override_reason and not self.size_class_override:
            raise ValidationError(
                {"size_class_override_reason": _("Only a size class set by hand has a reason.")}
            )

    @property
    def size_class(self) -> str:
        """The effective class: set by a regulator, else by the rule."""
        return self.size_class_override or self.computed_size_class

    @property
    def size_class_override_reason_display(self) -> str:
        return PLACEHOLDER_REASONS.get(
            self.size_class_override_reason, self.size_class_override_reason
        )

    @property
    def industry(self):
        return industry_codes().get(self.industry_code)

    @property
    def standards_list(self) -> list[str]:
        return [line.strip() for line in self.measurement_standards.splitlines() if line.strip()]


class EnterpriseRegistrationQuerySet(OrganisationScopedQuerySet):
    viewer_roles = frozenset({"admin"})

    def visible_condition(self, scope):
        # The applicant's enterprise is inactive until confirmed: no membership counts yet.
        return super().visible_condition(scope) | Q(applicant_id=scope.user_id)

    def editable_condition(self, scope):
        return below_acting_bureaus(scope)  # the bureaus above decide

    def pending(self):
        return self.filter(status=RegistrationStatus.PENDING)


class EnterpriseRegistration(TimeStampedModel):
    """An enterprise that registered itself, inactive until a bureau above its region confirms."""

    organisation = models.OneToOneField(
        "orgs.Organisation",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="registration",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="enterprise_registrations",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = EnterpriseRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise registration")
        verbose_name_plural = _("enterprise registrations")
        indexes = [models.Index(fields=["status", "created"], name="registration_status")]

    def __str__(self):
        return str(self.organisation)

    def get_absolute_url(self):
        return reverse("orgs:registration_detail", args=[self.pk])
