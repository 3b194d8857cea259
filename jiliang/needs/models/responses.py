"""Responses: an enterprise's answers to a questionnaire (one per enterprise, its members share
the draft), and the running tallies the results page reads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiliang.core.models import TimeStampedModel
from jiliang.core.scoping import ScopedQuerySet
from jiliang.needs.choices import ResponseSource, ResponseStatus
from jiliang.needs.models.questionnaires import Choice, Question, Questionnaire

EDITOR_ROLES = frozenset({"admin", "staff"})


def response_condition(scope, roles=None, through: str = "") -> Q:
    """The responses of the user's enterprises, those to the user's organisations'
    questionnaires, and those of enterprises in the user's regulated subtrees."""
    organisations = scope.organisation_ids(roles)
    condition = Q(**{f"{through}enterprise_id__in": organisations})
    if roles is None:
        condition |= Q(**{f"{through}questionnaire__owner_id__in": organisations})
        if scope.regulated_region_ids:
            condition |= Q(**{f"{through}region_id__in": scope.regulated_region_ids})
    return condition


class ResponseQuerySet(ScopedQuerySet):
    def visible_condition(self, scope):
        return response_condition(scope)

    def editable_condition(self, scope):
        return response_condition(scope, EDITOR_ROLES)

    def submitted(self):
        return self.filter(status=ResponseStatus.SUBMITTED)


class Response(TimeStampedModel):
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="responses",
    )
    # None for an answer through the public link by someone without an account.
    enterprise = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="survey_responses",
        null=True,
        blank=True,
    )
    # Where the respondent is and what it is, as at submission: the results filter on them
    # without a join, and a later move of the enterprise does not rewrite old results.
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    region_path = models.CharField(_("region path"), max_length=255, blank=True, db_index=True)
    industry = models.CharField(_("industry"), max_length=1, blank=True)
    size_class = models.CharField(_("size class"), max_length=8, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    source = models.CharField(
        _("source"), max_length=8, choices=ResponseSource.choices, default=ResponseSource.ONLINE
    )
    respondent_name = models.CharField(_("respondent"), max_length=100, blank=True)
    # How to reach a respondent through the public link (a phone number or an e-mail).
    respondent_contact = models.CharField(_("respondent's contact"), max_length=100, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Staff who typed in a paper questionnaire for the enterprise.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "enterprise"],
                name="response_once_per_enterprise",
                violation_error_message=_("This enterprise has already answered."),
            ),
            models.CheckConstraint(
                condition=Q(status=ResponseStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="response_submitted_has_moment",
            ),
        ]
        indexes = [
            models.Index(fields=["questionnaire", "status", "region_path"]),
            # The filtered results' count of responses (industry, size class, subtree).
            models.Index(
                fields=["questionnaire", "status", "industry", "size_class", "region_path"],
                name="response_slice",
            ),
            models.Index(fields=["updated"]),
            models.Index(fields=["submitted_at"]),
        ]

    def __str__(self):
        return f"{self.questionnaire} · {self.enterprise or self.respondent_name}"


class AnswerQuerySet(ScopedQuerySet):
    def visible_condition(self, scope):
        return response_condition(scope, through="response__")

    def editable_condition(self, scope):
        return response_condition(scope, EDITOR_ROLES, through="response__")


class Answer(models.Model):
    """One answer: a choice (one row per chosen option of a multiple choice; per row of a
    matrix, ``row`` with its chosen scale ``choice``), a text, a number, a date, a region or
    a file. ``text`` also holds the words of "other, please specify"."""

    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    row = models.ForeignKey(
        Choice,
        verbose_name=_("matrix row"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="row_answers",
    )
    choice = models.ForeignKey(
        Choice,
        verbose_name=_("choice"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="answers",
    )
    is_other = models.BooleanField(_("other"), default=False)
    text = models.TextField(_("text"), blank=True)
    number = models.DecimalField(_("number"), max_digits=16, decimal_places=4, null=True)
    date = models.DateField(_("date"), null=True)
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to="survey-files/%Y/%m/", blank=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["question", "choice"])]

    def __str__(self):
        return f"{self.question.name}: {self.choice or self.text or self.number or self.date}"


class AnswerTally(models.Model):
    """The submitted answers of one question counted per region (and per chosen option, matrix
    row and option): kept by the service that submits, so that a province's results add up a
    few thousand rows instead of millions of answers. ``choice_key`` 0 is the count of
    responses that answered the question; ``row_key`` 0 when the question is not a matrix.
    Numbers keep their sum, for the average.

    The unique key's index is the only one: every read starts from the question and every
    submission updates some hundred rows, each further index a cost of every update."""

    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        on_delete=models.CASCADE,
        related_name="tallies",
        db_index=False,
    )
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("region"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    # The responding enterprise's industry section and size class when it submitted, so that
    # the results filtered by them also add up tallies; "" (``tallies.ANY``): every industry or
    # size class, which a response counts in too (``tallies.counted_as``).
    industry = models.CharField(_("industry"), max_length=1, blank=True, default="")
    size_class = models.CharField(_("size class"), max_length=8, blank=True, default="")
    row_key = models.PositiveIntegerField(_("matrix row"), default=0)
    choice_key = models.PositiveIntegerField(_("choice"), default=0)
    count = models.PositiveIntegerField(_("count"), default=0)
    total = models.DecimalField(_("sum"), max_digits=24, decimal_places=4, default=0)

    class Meta:
        verbose_name = _("answer tally")
        verbose_name_plural = _("answer tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "region", "industry", "size_class", "row_key", "choice_key"],
                name="tally_cell_unique",
            )
        ]

    def __str__(self):
        return f"{self.question.name} · {self.region_id} · {self.row_key}/{self.choice_key}"
