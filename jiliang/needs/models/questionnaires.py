"""Questionnaires: what a bureau or an institution asks enterprises (sections, questions,
choices, skip logic) and to whom it is sent."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiliang.core.models import TimeStampedModel
from jiliang.core.scoping import OrganisationScopedQuerySet
from jiliang.needs.choices import QuestionKind, QuestionnaireStatus

DEFAULT_REMINDER_DAYS = 3
MAX_REMINDER_DAYS = 60


def new_public_token() -> str:
    return secrets.token_urlsafe(16)


class QuestionnaireQuerySet(OrganisationScopedQuerySet):
    """The owner's members build and read it; regulators above the owner read it. Enterprises
    reach the questionnaires sent to them through ``selectors.questionnaires_to_answer``."""

    organisation_field = "owner"

    def open(self):
        return self.filter(status=QuestionnaireStatus.OPEN)


class Questionnaire(TimeStampedModel):
    owner = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="questionnaires",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=QuestionnaireStatus.choices,
        default=QuestionnaireStatus.DRAFT,
    )
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    # The enterprises that have not submitted are reminded this many days before the close
    # date (0: never automatically); ``auto_reminded_on`` records that it was done, once.
    reminder_days = models.PositiveSmallIntegerField(
        _("automatic reminder, days before closing"), default=DEFAULT_REMINDER_DAYS
    )
    auto_reminded_on = models.DateField(_("automatically reminded on"), null=True, blank=True)
    # The audience: the enterprises of a region subtree, narrowed by industry sections, size
    # classes and tags (empty lists: no narrowing); and anyone holding the public link.
    audience_region = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("audience region"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    audience_industries = models.JSONField(_("audience industries"), default=list, blank=True)
    audience_sizes = models.JSONField(_("audience size classes"), default=list, blank=True)
    audience_tags = models.JSONField(_("audience tags"), default=list, blank=True)
    public_link_enabled = models.BooleanField(_("answerable through a public link"), default=False)
    public_token = models.CharField(
        _("public link token"), max_length=32, unique=True, default=new_public_token
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True)
                | Q(closes_on__isnull=True)
                | Q(closes_on__gte=models.F("opens_on")),
                name="questionnaire_closes_after_opening",
                violation_error_message=_("The close date is before the open date."),
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        # After clean_fields, which names a missing or non-numeric value itself.
        if isinstance(self.reminder_days, int) and self.reminder_days > MAX_REMINDER_DAYS:
            raise ValidationError(
                {
                    "reminder_days": _("At most %(days)d days before the close date.")
                    % {"days": MAX_REMINDER_DAYS}
                }
            )

    @property
    def reminder_on(self):
        """The day of the automatic reminder, or None (no close date, or none asked for)."""
        if not self.closes_on or not self.reminder_days:
            return None
        return self.closes_on - timedelta(days=self.reminder_days)


class QuestionnairePartQuerySet(OrganisationScopedQuerySet):
    """Sections, questions and choices: seen and changed with their questionnaire."""

    organisation_field = "questionnaire__owner"


class Section(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="sections",
    )
    position = models.PositiveIntegerField(_("position"))
    name = models.SlugField(_("name"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Skip logic: the section is shown only when this condition holds (see ``needs.logic``).
    relevant = models.JSONField(_("shown when"), null=True, blank=True)

    objects = QuestionnairePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "position"], name="section_position_unique"
            ),
            models.UniqueConstraint(fields=["questionnaire", "name"], name="section_name_unique"),
        ]

    def __str__(self):
        return self.title


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="questions"
    )
    # Questions are numbered through the whole questionnaire: skip logic may only look back.
    position = models.PositiveIntegerField(_("position"))
    name = models.SlugField(_("name"), max_length=64)
    kind = models.CharField(_("type"), max_length=8, choices=QuestionKind.choices)
    label = models.CharField(_("question"), max_length=500)
    hint = models.CharField(_("hint"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=False)
    relevant = models.JSONField(_("shown when"), null=True, blank=True)
    # Number questions: the unit and the allowed range.
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    minimum = models.DecimalField(
        _("minimum"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    maximum = models.DecimalField(
        _("maximum"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    # Choice questions: an "other, please specify" choice with a text.
    allows_other = models.BooleanField(_("offers “other, please specify”"), default=False)
    # The enterprise profile field a submitted answer updates (``needs.profile_fields``).
    profile_field = models.CharField(_("updates profile field"), max_length=40, blank=True)

    objects = QuestionnairePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "position"], name="question_position_unique"
            ),
            models.UniqueConstraint(fields=["questionnaire", "name"], name="question_name_unique"),
            models.CheckConstraint(
                condition=Q(minimum__isnull=True)
                | Q(maximum__isnull=True)
                | Q(maximum__gte=models.F("minimum")),
                name="question_range_ordered",
                violation_error_message=_("The maximum is below the minimum."),
            ),
        ]

    def __str__(self):
        return self.label


class ChoiceQuerySet(QuestionnairePartQuerySet):
    organisation_field = "question__questionnaire__owner"


class Choice(models.Model):
    """An option of a choice question; for a matrix, its scale (``is_row`` false) and its rows
    (``is_row`` true), each row answered on the scale."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    position = models.PositiveIntegerField(_("position"))
    value = models.CharField(_("value"), max_length=64)
    label = models.CharField(_("label"), max_length=300)
    is_row = models.BooleanField(_("matrix row"), default=False)

    objects = ChoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "is_row", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "is_row", "value"], name="choice_value_unique"
            ),
        ]

    def __str__(self):
        return self.label
