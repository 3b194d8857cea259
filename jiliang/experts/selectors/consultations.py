"""Reads of the consultation channel: my questions, the expert's inbox, the public questions
(for everyone, signed in or not) and a thread."""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from jiliang.core.scoping import scope_for
from jiliang.experts.choices import ConsultationState
from jiliang.experts.models import Consultation, ConsultationReply, Expert

LIST_PARTS = ("asker", "organisation", "assigned_expert__user", "escalated_group")
# Which questions a list shows: asked by me (or my organisation), assigned to me, or public.
SCOPES = ("mine", "assigned", "public")


def _listed(consultations: QuerySet) -> QuerySet:
    return consultations.select_related(*LIST_PARTS)


def _mine_condition(user) -> Q:
    scope = scope_for(user)
    organisations = scope.organisation_ids() if scope else set()
    return Q(asker_id=user.pk) | Q(organisation_id__in=organisations)


def _assigned_condition(user) -> Q:
    """Assigned to the user's expert profile, or escalated to a group they are a member of."""
    groups = Expert.objects.filter(user_id=user.pk).values("groups")
    return Q(assigned_expert__user_id=user.pk) | Q(escalated_group_id__in=groups)


def my_questions(*, user) -> QuerySet:
    """What the user and their organisations asked, newest first."""
    return _listed(Consultation.objects.visible_to(user).filter(_mine_condition(user)))


def inbox(*, user) -> QuerySet:
    """What the user is to answer (as the assigned expert or through an escalated group):
    questions awaiting an answer first, the most overdue first, then the answered ones."""
    waiting = Case(
        When(state=ConsultationState.OPEN, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return _listed(
        Consultation.objects.visible_to(user).filter(_assigned_condition(user))
    ).order_by(waiting, "answer_due_on", "-pk")


def public_questions(*, field: str | None = None) -> QuerySet:
    """The public questions, for everyone (no sign-in), newest first."""
    consultations = Consultation.objects.public()
    if field:
        consultations = consultations.filter(field=field)
    return _listed(consultations)


def consultation_list(*, user, filters: dict) -> QuerySet:
    """What the API lists: mine, assigned to me and the public questions, narrowed by
    ``scope`` (one of SCOPES), ``field``, ``state`` and ``overdue``."""
    consultations = Consultation.objects.visible_to(user)
    chosen = filters.get("scope")
    if chosen == "mine":
        consultations = consultations.filter(_mine_condition(user))
    elif chosen == "assigned":
        consultations = consultations.filter(_assigned_condition(user))
    elif chosen == "public":
        consultations = consultations.filter(is_public=True)
    if filters.get("field"):
        consultations = consultations.filter(field=filters["field"])
    if filters.get("state"):
        consultations = consultations.filter(state=filters["state"])
    if filters.get("overdue"):
        consultations = overdue(consultations)
    return _listed(consultations)


def overdue(consultations: QuerySet, today=None) -> QuerySet:
    today = today or timezone.localdate()
    return consultations.filter(state=ConsultationState.OPEN, answer_due_on__lt=today)


def readable(user) -> QuerySet:
    """What a thread page shows: the public questions, and the private ones the user sees."""
    if not user.is_authenticated:
        return with_asker_shown(Consultation.objects.public(), user)
    return with_asker_shown(
        Consultation.objects.visible_to(user) | Consultation.objects.public(), user
    )


def with_asker_shown(consultations: QuerySet, user) -> QuerySet:
    """Annotated ``asker_shown``: whether the user may know who asked, as those who would see
    the question were it private do (a public question does not name its asker to everyone)."""
    if not user.is_authenticated:
        shown = Value(False)
    elif user.is_staff:
        shown = Value(True)
    else:
        shown = ExpressionWrapper(
            _mine_condition(user) | _assigned_condition(user), output_field=BooleanField()
        )
    return consultations.annotate(asker_shown=shown)


def thread(consultation) -> list[ConsultationReply]:
    return list(consultation.replies.select_related("author", "expert__user"))


# To-dos and the enterprise's page ---------------------------------------------------------------


def todo_counts(*, user, today) -> dict[str, int]:
    """In one query: the questions awaiting the user's answer (``waiting``), those of them
    overdue (``overdue``), and the user's own questions with an answer to accept
    (``to_accept``)."""
    today = today or timezone.localdate()
    waiting = _assigned_condition(user) & Q(state=ConsultationState.OPEN)
    to_accept = Q(asker_id=user.pk, state=ConsultationState.ANSWERED)
    return Consultation.objects.visible_to(user).aggregate(
        waiting=Count("pk", filter=waiting),
        overdue=Count("pk", filter=waiting & Q(answer_due_on__lt=today)),
        to_accept=Count("pk", filter=to_accept),
    )


def organisation_consultations(*, user, organisation) -> QuerySet:
    """The questions an organisation asked, as far as the user sees them."""
    return _listed(Consultation.objects.visible_to(user).filter(organisation=organisation))
