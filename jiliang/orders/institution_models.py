"""What an institution keeps once for all its certificates: the rule that numbers them and
its measurement standards (计量标准), which a certificate names as the standards used."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiliang.core.scoping import OrganisationScopedQuerySet
from jiliang.orders.numbering import DEFAULT_PATTERN, MAX_LENGTH, format_number, validate_pattern
from jiliang.orders.validators import validate_printable


class InstitutionRowQuerySet(OrganisationScopedQuerySet):
    """The institution's members see the rows; its administrators change them."""

    organisation_field = "institution"
    editor_roles = frozenset({"admin"})
    regulators_see = False


class CertificateNumberRule(models.Model):
    """How an institution numbers its generated certificates; the row is also the counter,
    locked while a number is taken (certificates.allocate_number)."""

    institution = models.OneToOneField(
        "orgs.Organisation",
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="certificate_number_rule",
    )
    prefix = models.CharField(
        _("prefix"), max_length=20, blank=True, validators=[validate_printable]
    )
    pattern = models.CharField(
        _("pattern"),
        max_length=60,
        default=DEFAULT_PATTERN,
        help_text=_(
            "{prefix}, {year} and {seq} (the sequence, {seq:05d} for five digits); the "
            "sequence starts again at 1 each year."
        ),
    )
    # The year of the last number taken and its sequence.
    year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    last_sequence = models.PositiveIntegerField(default=0, editable=False)

    objects = InstitutionRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate numbering rule")
        verbose_name_plural = _("certificate numbering rules")

    def __str__(self):
        return f"{self.institution} {self.pattern}"

    def next_sequence(self, year: int) -> int:
        return self.last_sequence + 1 if self.year == year else 1

    def number(self, year: int, seq: int) -> str:
        return format_number(self.pattern, prefix=self.prefix, year=year, seq=seq)

    def clean(self):
        validate_pattern(self.pattern)
        if len(self.number(9999, 999_999)) > MAX_LENGTH:
            raise ValidationError({"pattern": _("The numbers would be too long.")})


class MeasurementStandard(models.Model):
    """A measurement standard of the institution (计量标准), named on the certificates made
    with it."""

    institution = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="measurement_standards",
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_printable])
    certificate_number = models.CharField(
        _("certificate number"),
        max_length=100,
        blank=True,
        validators=[validate_printable],
        help_text=_("The number of its standard assessment certificate (计量标准考核证书)."),
    )
    accuracy = models.CharField(
        _("uncertainty or accuracy"),
        max_length=200,
        blank=True,
        help_text=_("Its uncertainty, accuracy class or maximum permissible error."),
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("Standards no longer in use are not offered.")
    )

    objects = InstitutionRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("measurement standard")
        verbose_name_plural = _("measurement standards")
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name} {self.certificate_number}".strip()
