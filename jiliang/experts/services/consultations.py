"""The consultation channel 直通车: every write. A question is routed at once to an available
expert of its field (round robin), answered within three working days or escalated to the
nearest expert group covering the field; the asker follows up, accepts an answer and rates it."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiliang.core import audit
from jiliang.core.scoping import scope_for
from jiliang.core.workdays import add_workdays
from jiliang.experts.choices import ConsultationState
from jiliang.experts.models import Consultation, ConsultationReply, Expert
from jiliang.experts.search.index import index_consultation
from jiliang.experts.selectors.registry import groups_for_escalation, routable_experts
from jiliang.notifications.services import notify
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.models import Membership, Organisation

ANSWER_WORKDAYS = 3
NOTIFICATION_KIND = "consultation"
# Where a new answer may still go: a closed thread takes nothing more.
ANSWERABLE_STATES = frozenset(
    {ConsultationState.OPEN, ConsultationState.ANSWERED, ConsultationState.ACCEPTED}
)


def answer_due(today: date) -> date:
    return add_workdays(today, ANSWER_WORKDAYS)


# Asking and routing -----------------------------------------------------------------------------


@transaction.atomic
def consultation_ask(*, actor, field: str, title: str, body: str = "", is_public: bool = True):
    """Anyone signed in asks; the question is filed under the asker's first organisation (if
    any) and routed at once to an expert of the field, or escalated when none is available."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to ask a question."))
    organisation = _first_organisation(actor)
    consultation = Consultation(
        asker=actor,
        organisation=organisation,
        region_id=organisation.region_id if organisation else None,
        field=field,
        title=title.strip(),
        body=body.strip(),
        is_public=is_public,
        answer_due_on=answer_due(timezone.localdate()),
    )
    consultation.full_clean()
    consultation.save()
    audit.record(
        actor=actor,
        action="experts.consultation.asked",
        instance=consultation,
        organisation=organisation,
    )
    expert = _next_expert(consultation.field, actor)
    if expert is not None:
        _assign(consultation, expert)
    else:
        _escalate(consultation)
    return consultation


def _first_organisation(user) -> Organisation | None:
    membership = (
        Membership.objects.filter(user=user, organisation__is_active=True)
        .select_related("organisation")
        .order_by("pk")
        .first()
    )
    return membership.organisation if membership else None


def _next_expert(field: str, asker) -> Expert | None:
    """The available expert of the field routed longest ago (not the asker), locked. Experts
    another ask is routing to right now are skipped (so that two questions asked at once go to
    two experts); only when all are taken does it wait for the first."""
    experts = routable_experts(field).exclude(user=asker)
    locked = experts.select_for_update(skip_locked=True, of=("self",)).first()
    return locked or experts.select_for_update(of=("self",)).first()


def _assign(consultation: Consultation, expert: Expert) -> None:
    now = timezone.now()
    expert.last_routed = now
    expert.save(update_fields=["last_routed", "updated"])
    consultation.assigned_expert = expert
    consultation.assigned_at = now
    consultation.answer_due_on = answer_due(timezone.localdate())
    consultation.save(update_fields=["assigned_expert", "assigned_at", "answer_due_on", "updated"])
    _tell(
        [expert.user],
        consultation,
        _("A question for you: %(title)s") % {"title": consultation.title},
        [_("Please answer by %(day)s.") % {"day": consultation.answer_due_on.isoformat()}],
    )


def _escalate(consultation: Consultation) -> bool:
    """Hand the question to the nearest active group covering its field, once, telling its
    members; whether there was such a group."""
    group = groups_for_escalation(consultation.field, consultation.region).first()
    if group is None:
        return False
    consultation.escalated_group = group
    consultation.escalated_at = timezone.now()
    consultation.save(update_fields=["escalated_group", "escalated_at", "updated"])
    audit.record(
        actor=None,  # the platform: on asking without an expert, or the morning job
        action="experts.consultation.escalated",
        instance=consultation,
        organisation=consultation.organisation,
        changes={"escalated_group": [None, group.pk]},
    )
    members = [expert.user for expert in group.members.select_related("user")]
    _tell(
        members,
        consultation,
        _("A question for your group %(group)s: %(title)s")
        % {"group": group.name, "title": consultation.title},
        [_("It has no answer yet; any member of the group may answer it.")],
    )
    return True


def escalate_overdue(*, today: date | None = None) -> int:
    """The periodic job: questions still unanswered past their due date go to their field's
    group, each once. Returns how many were escalated."""
    today = today or timezone.localdate()
    overdue = Consultation.objects.filter(
        state=ConsultationState.OPEN, answer_due_on__lt=today, escalated_at__isnull=True
    ).values_list("pk", flat=True)
    escalated = 0
    for pk in list(overdue):
        with transaction.atomic():
            consultation = (
                Consultation.objects.select_for_update(of=("self",))
                .select_related("region", "organisation")
                .filter(pk=pk, escalated_at__isnull=True, state=ConsultationState.OPEN)
                .first()
            )
            if consultation is not None and _escalate(consultation):
                escalated += 1
    return escalated


def route_waiting() -> int:
    """The periodic job: questions asked when no expert of their field was available go to
    one who is now (an expert back from leave, or newly registered). Returns how many."""
    waiting = Consultation.objects.filter(
        state=ConsultationState.OPEN, assigned_expert__isnull=True
    ).values_list("pk", flat=True)
    routed = 0
    for pk in list(waiting):
        with transaction.atomic():
            consultation = (
                Consultation.objects.select_for_update(of=("self",))
                .filter(pk=pk, assigned_expert__isnull=True, state=ConsultationState.OPEN)
                .select_related("asker")
                .first()
            )
            if consultation is None:
                continue
            expert = _next_expert(consultation.field, consultation.asker)
            if expert is not None:
                _assign(consultation, expert)
                routed += 1
    return routed


# Who may do what --------------------------------------------------------------------------------


def _visible(actor, consultation) -> Consultation:
    """The consultation, locked, if the actor sees it (404 otherwise)."""
    found = (
        Consultation.objects.visible_to(actor)
        .filter(pk=consultation.pk)
        .select_for_update(of=("self",))
        .first()
    )
    if found is None:
        raise Http404
    return found


def answering_expert(actor, consultation) -> Expert | None:
    """The actor's expert profile if they may answer: the assigned expert, or a member of the
    group the question was escalated to."""
    expert = Expert.objects.filter(user_id=actor.pk).first() if actor.is_authenticated else None
    if expert is None:
        return None
    if consultation.assigned_expert_id == expert.pk:
        return expert
    if (
        consultation.escalated_group_id
        and expert.groups.filter(pk=consultation.escalated_group_id).exists()
    ):
        return expert
    return None


def may_reassign(actor, consultation) -> bool:
    """The assigned expert hands over; a bureau's admin over the asker's region, or a member
    of the group it was escalated to, reassigns."""
    if answering_expert(actor, consultation) is not None:
        return True
    if consultation.region_id is None:
        return False
    scope = scope_for(actor)
    if scope is None:
        return False
    bureau_paths = Organisation.objects.filter(
        pk__in=scope.organisation_ids(frozenset({"admin"})), kind=OrganisationKind.REGULATOR
    ).values_list("region__path", flat=True)
    return any(consultation.region.path.startswith(path) for path in bureau_paths)


def _require_asker(actor, consultation) -> None:
    if consultation.asker_id != actor.pk:
        raise PermissionDenied(_("Only the person who asked may do this."))


# The thread -------------------------------------------------------------------------------------


@transaction.atomic
def consultation_reply(*, actor, consultation, body: str) -> ConsultationReply:
    """An answer by the assigned expert (or the escalated group), or a follow-up question by
    the asker, which reopens the thread for an answer within three new working days."""
    consultation = _visible(actor, consultation)
    expert = answering_expert(actor, consultation)
    if expert is None and consultation.asker_id != actor.pk:
        raise PermissionDenied(
            _("Only the expert the question is assigned to, or its escalated group, answers.")
        )
    if consultation.state not in ANSWERABLE_STATES:
        raise ValidationError({"body": _("The consultation is closed.")})
    if expert is None and consultation.answered_at is None:
        raise ValidationError({"body": _("Follow up once an expert has answered.")})
    reply = ConsultationReply(
        consultation=consultation, author=actor, expert=expert, body=body.strip()
    )
    reply.full_clean()
    reply.save()
    if expert is not None:
        _answered(actor, consultation)
    else:
        _followed_up(actor, consultation)
    return reply


def _change(actor, consultation, action: str, values: dict, changes=None) -> None:
    """Save ``values`` on the consultation and record ``action`` with the state's change (and
    ``changes``, when given)."""
    before = consultation.state
    for name, value in values.items():
        setattr(consultation, name, value)
    consultation.save(update_fields=[*values, "updated"])
    if before != consultation.state:
        changes = {"state": [before, consultation.state], **(changes or {})}
    audit.record(
        actor=actor,
        action=f"experts.consultation.{action}",
        instance=consultation,
        organisation=consultation.organisation,
        changes=changes,
    )


def _answered(actor, consultation) -> None:
    opened = consultation.state == ConsultationState.OPEN
    values = {
        "answered_at": consultation.answered_at or timezone.now(),
        "state": ConsultationState.ANSWERED if opened else consultation.state,
    }
    _change(actor, consultation, "answered", values)
    _tell(
        [consultation.asker],
        consultation,
        _("Your question has an answer: %(title)s") % {"title": consultation.title},
        [_("Accept the answer and rate it if it helped.")],
    )


def _followed_up(actor, consultation) -> None:
    values = {"state": ConsultationState.OPEN, "answer_due_on": answer_due(timezone.localdate())}
    _change(actor, consultation, "followed_up", values)
    _tell(
        _answerers(consultation),
        consultation,
        _("A follow-up question: %(title)s") % {"title": consultation.title},
        [_("Please answer by %(day)s.") % {"day": consultation.answer_due_on.isoformat()}],
    )


@transaction.atomic
def consultation_accept(
    *, actor, consultation, reply, rating: int, comment: str = ""
) -> Consultation:
    """The asker accepts an expert's answer and rates it from 1 to 5; a public question's
    accepted answer joins the search index."""
    consultation = _visible(actor, consultation)
    _require_asker(actor, consultation)
    if reply.consultation_id != consultation.pk or not reply.is_answer:
        raise ValidationError({"reply": _("Choose an expert's answer in this thread.")})
    if consultation.state == ConsultationState.CLOSED:
        raise ValidationError({"reply": _("The consultation is closed.")})
    if rating not in range(1, 6):
        raise ValidationError({"rating": _("A rating is from 1 to 5.")})
    values = {
        "state": ConsultationState.ACCEPTED,
        "accepted_reply": reply,
        "rating": rating,
        "rating_comment": comment.strip(),
    }
    _change(actor, consultation, "accepted", values, {"rating": [None, rating]})
    _tell(
        [reply.author],
        consultation,
        _("Your answer was accepted: %(title)s") % {"title": consultation.title},
        [_("Rating: %(rating)s of 5.") % {"rating": rating}, consultation.rating_comment],
    )
    if consultation.is_public:
        index_consultation(consultation)
    return consultation


@transaction.atomic
def consultation_reassign(*, actor, consultation, expert: Expert) -> Consultation:
    """Give the question to another available expert of its field, with a new due date."""
    consultation = _visible(actor, consultation)
    if not may_reassign(actor, consultation):
        raise PermissionDenied(
            _("Only the assigned expert, the escalated group or the bureau reassigns.")
        )
    if consultation.state == ConsultationState.CLOSED:
        raise ValidationError({"expert": _("The consultation is closed.")})
    if expert.pk == consultation.assigned_expert_id:
        raise ValidationError({"expert": _("The question is already assigned to this expert.")})
    if not routable_experts(consultation.field).filter(pk=expert.pk).exists():
        raise ValidationError({"expert": _("Choose an available expert of the question's field.")})
    previous = consultation.assigned_expert
    expert = Expert.objects.select_for_update(of=("self",)).select_related("user").get(pk=expert.pk)
    _assign(consultation, expert)
    audit.record(
        actor=actor,
        action="experts.consultation.reassigned",
        instance=consultation,
        organisation=consultation.organisation,
        changes={"assigned_expert": [previous.pk if previous else None, expert.pk]},
    )
    handed_from = [previous.user] if previous and previous.user_id != actor.pk else []
    _tell(
        [consultation.asker, *handed_from],
        consultation,
        _("A question went to another expert: %(title)s") % {"title": consultation.title},
        [str(expert)],
    )
    return consultation


@transaction.atomic
def consultation_close(*, actor, consultation) -> Consultation:
    """The asker closes the thread: nothing more is answered."""
    consultation = _visible(actor, consultation)
    _require_asker(actor, consultation)
    if consultation.state == ConsultationState.CLOSED:
        raise ValidationError({"state": _("The consultation is already closed.")})
    _change(actor, consultation, "closed", {"state": ConsultationState.CLOSED})
    _tell(
        _answerers(consultation),
        consultation,
        _("A question was closed: %(title)s") % {"title": consultation.title},
    )
    return consultation


# Telling the other side -------------------------------------------------------------------------


def _answerers(consultation) -> list:
    users = {}
    if consultation.assigned_expert_id:
        users[consultation.assigned_expert.user_id] = consultation.assigned_expert.user
    if consultation.escalated_group_id:
        for expert in consultation.escalated_group.members.select_related("user"):
            users[expert.user_id] = expert.user
    return list(users.values())


def _tell(recipients, consultation, title: str, lines=()) -> None:
    notify(
        recipients=[user for user in recipients if user.is_active],
        kind=NOTIFICATION_KIND,
        title=title,
        lines=[line for line in lines if line],
        url=consultation.get_absolute_url(),
    )
