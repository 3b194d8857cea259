"""The ledger's imports: each spreadsheet on its way in, and how an organisation's imports number
instruments and read its words (re-exported by ``models``)."""

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiliang.core.encoders import ReadableJSONEncoder
from jiliang.core.scoping import OrganisationScopedQuerySet


class LedgerImportQuerySet(OrganisationScopedQuerySet):
    regulators_see = False


def import_path(ledger_import, filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    return f"imports/{ledger_import.organisation_id}/{uuid.uuid4().hex}{suffix}"


class LedgerImport(models.Model):
    """One ledger spreadsheet on its way in: checked, then written all at once or not at all.

    Kept afterwards as the import history: who, when, which file, the counts and the problems.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked, ready to import")
        REJECTED = "rejected", _("Rejected: the file has problems")
        IMPORTING = "importing", _("Importing")
        COMMITTED = "committed", _("Imported")
        PREVIEWED = "previewed", _("Checked only (dry run)")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="ledger_imports",
    )
    created = models.DateTimeField(_("time"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to=import_path, blank=True)
    filename = models.CharField(_("file name"), max_length=255)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    headers = models.JSONField(_("column headers"), default=list, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    started = models.DateTimeField(_("started"), null=True, blank=True, editable=False)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    words = models.JSONField(
        _("words"), default=dict, blank=True, help_text=_("{field: {word in the file: value}}")
    )
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    sheets = models.JSONField(_("sheets"), default=list, blank=True)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    unknown_values = models.JSONField(_("unfamiliar words"), default=dict, blank=True)
    preview = models.JSONField(_("preview"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = LedgerImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        indexes = [models.Index(fields=["organisation", "-created"])]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("instruments:import_detail", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.CHECKING, self.Status.IMPORTING}


class LedgerSettingsQuerySet(OrganisationScopedQuerySet):
    regulators_see = False


NUMBER_PREFIX = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff_-]{0,19}$")


def validate_number_prefix(value: str) -> None:
    if not NUMBER_PREFIX.fullmatch(value):
        raise ValidationError(
            _("Use 1 to 20 letters, digits, Chinese characters, - or _, without spaces.")
        )


class LedgerSettings(models.Model):
    """How an organisation's ledger imports number instruments and read its words."""

    organisation = models.OneToOneField(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="ledger_settings",
    )
    number_prefix = models.CharField(
        _("prefix of new management numbers"),
        max_length=20,
        default="JL",
        validators=[validate_number_prefix],
        help_text=_(
            "An imported instrument without a management number is numbered PREFIX-00001, "
            "PREFIX-00002, …, after the highest number of that form in the ledger."
        ),
    )
    words = models.JSONField(
        _("words"),
        default=dict,
        blank=True,
        encoder=ReadableJSONEncoder,
        help_text=_("What words outside the vocabularies mean: {field: {word: value}}."),
    )

    objects = LedgerSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger settings")
        verbose_name_plural = _("ledger settings")

    def __str__(self):
        return str(self.organisation)
