"""The consultation channel 直通车: questions routed to the experts of their field, the thread
of answers and follow-ups, acceptance and rating."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiliang.core.models import TimeStampedModel
from jiliang.core.scoping import ScopedQuerySet
from jiliang.core.workdays import remaining_workdays
from jiliang.experts.choices import ConsultationState, MetrologyField

QUESTION_MAX_LENGTH = 5000


def consultation_condition(scope) -> Q:
    """Public questions; private ones for the asker, their organisation and the experts
    assigned (the expert routed to, and the group it was escalated to)."""
    return (
        Q(is_public=True)
        | Q(asker_id=scope.user_id)
        | Q(organisation_id__in=scope.organisation_ids())
        | Q(assigned_expert__user_id=scope.user_id)
        | Q(escalated_group__members__user_id=scope.user_id)
    )


class ConsultationQuerySet(ScopedQuerySet):
    def visible_condition(self, scope):
        return Q(pk__in=Consultation.objects.filter(consultation_condition(scope)).values("pk"))

    def editable_condition(self, scope):
        # The asker follows up, accepts and rates; experts answer through their assignment.
        return Q(asker_id=scope.user_id)

    def public(self):
        return self.filter(is_public=True)


class Consultation(TimeStampedModel):
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    # The asker's organisation when they asked (its members see a private question).
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
    )
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    field = models.CharField(_("field"), max_length=20, choices=MetrologyField.choices)
    title = models.CharField(_("question"), max_length=200)
    body = models.TextField(
        _("details"),
        blank=True,
        validators=[MaxLengthValidator(QUESTION_MAX_LENGTH)],
    )
    is_public = models.BooleanField(_("public"), default=True)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=ConsultationState.choices,
        default=ConsultationState.OPEN,
    )
    assigned_expert = models.ForeignKey(
        "experts.Expert",
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    # Three working days from the assignment (core.workdays).
    answer_due_on = models.DateField(_("answer due on"), null=True, blank=True)
    escalated_group = models.ForeignKey(
        "experts.ExpertGroup",
        verbose_name=_("escalated to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalated_consultations",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    accepted_reply = models.ForeignKey(
        "experts.ConsultationReply",
        verbose_name=_("accepted answer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("comment on the answer"), blank=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["assigned_expert", "state"]),
            models.Index(fields=["state", "answer_due_on"]),
            models.Index(fields=["updated"]),
            models.Index(fields=["answered_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="consultation_rating_1_to_5",
                violation_error_message=_("A rating is from 1 to 5."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consultations:detail", args=[self.pk])

    @property
    def remaining_workdays(self) -> int | None:
        """Working days left to answer (negative when overdue); None unless awaiting one."""
        if self.state != ConsultationState.OPEN or self.answer_due_on is None:
            return None
        return remaining_workdays(self.answer_due_on, timezone.localdate())

    @property
    def workdays_overdue(self) -> int:
        """Working days past the due date, 0 when not overdue."""
        return max(0, -(self.remaining_workdays or 0))


class ConsultationReply(models.Model):
    """An expert's answer, or the asker's follow-up question, in the thread."""

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="replies",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Set on an expert's answer; a follow-up of the asker has none.
    expert = models.ForeignKey(
        "experts.Expert",
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replies",
    )
    body = models.TextField(
        _("text"),
        validators=[MinLengthValidator(2), MaxLengthValidator(QUESTION_MAX_LENGTH)],
    )
    created = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created", "pk"]

    def __str__(self):
        return f"{self.consultation} · {self.created:%Y-%m-%d}"

    @property
    def is_answer(self) -> bool:
        return self.expert_id is not None
