"""Sending a questionnaire out: its audience, opening it (invitations to the audience's
enterprises through the notifications, after the commit, in one bulk write), reminders to those
who have not submitted (by its owner, or automatically ``reminder_days`` before its close
date), and closing it (by its owner, or the day after its close date)."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiliang.core import audit
from jiliang.core.services import model_update, require_editable
from jiliang.needs.choices import QuestionnaireStatus, ResponseStatus
from jiliang.needs.models import Questionnaire, Response
from jiliang.needs.models.questionnaires import MAX_REMINDER_DAYS
from jiliang.needs.selectors.answering import ANSWERING_ROLES, audience
from jiliang.notifications.services import Message, deliver_many
from jiliang.orgs.choices import Industry, OrganisationKind, SizeClass
from jiliang.orgs.enterprise_models import normalise_tag
from jiliang.orgs.models import Membership

AUDIENCE_FIELDS = [
    "audience_region",
    "audience_industries",
    "audience_sizes",
    "audience_tags",
    "public_link_enabled",
]
NOTIFICATION_KIND = "survey"
S = QuestionnaireStatus


@transaction.atomic
def audience_set(*, actor, questionnaire: Questionnaire, data: dict) -> Questionnaire:
    """Choose who is asked: the enterprises of a region subtree (a bureau's own subtree at
    most), narrowed by industry sections, size classes and tags; and whether anyone holding
    the public link may answer."""
    require_editable(actor, questionnaire)
    if questionnaire.status == S.CLOSED:
        raise ValidationError(_("A closed questionnaire is sent to no one."), code="closed")
    data = {**data}
    _check_choices(data, "audience_industries", Industry.values)
    _check_choices(data, "audience_sizes", SizeClass.values)
    if "audience_tags" in data:
        data["audience_tags"] = sorted({normalise_tag(tag) for tag in data["audience_tags"]} - {""})
    _check_region(questionnaire, data.get("audience_region", questionnaire.audience_region))
    changes = model_update(instance=questionnaire, data=data, fields=AUDIENCE_FIELDS)
    if changes:
        _record(actor, "needs.questionnaire.audience", questionnaire, changes)
    return questionnaire


def _check_choices(data: dict, name: str, allowed) -> None:
    if name not in data:
        return
    values = sorted(set(data[name]))
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise ValidationError({name: _("Unknown: %(values)s.") % {"values": "、".join(unknown)}})
    data[name] = values


def _check_region(questionnaire: Questionnaire, region) -> None:
    owner = questionnaire.owner
    if region is None or owner.kind != OrganisationKind.REGULATOR:
        return
    if not region.path.startswith(owner.region.path):
        raise ValidationError(
            {
                "audience_region": _("%(region)s is outside %(owner)s's region.")
                % {"region": region, "owner": owner}
            }
        )


@transaction.atomic
def questionnaire_open(*, actor, questionnaire: Questionnaire) -> Questionnaire:
    """Open a draft for answers; its audience's enterprises are invited after the commit."""
    require_editable(actor, questionnaire)
    if questionnaire.status != S.DRAFT:
        raise ValidationError(
            _("“%(title)s” is not a draft; it was opened before.") % {"title": questionnaire},
            code="not_draft",
        )
    if not questionnaire.questions.exists():
        raise ValidationError(_("A questionnaire without questions cannot be opened."))
    if questionnaire.audience_region_id is None and not questionnaire.public_link_enabled:
        raise ValidationError(
            {"audience_region": _("Choose the enterprises to ask, or allow the public link.")}
        )
    if questionnaire.closes_on and questionnaire.closes_on < timezone.localdate():
        raise ValidationError({"closes_on": _("The close date has passed.")})
    questionnaire.status = S.OPEN
    questionnaire.published_at = timezone.now()
    questionnaire.full_clean()
    questionnaire.save(update_fields=["status", "published_at", "updated"])
    _record(actor, "needs.questionnaire.opened", questionnaire, {"status": [S.DRAFT, S.OPEN]})
    pk = questionnaire.pk
    transaction.on_commit(lambda: _invite_later(pk), robust=True)
    return questionnaire


def _invite_later(pk: int) -> None:
    from jiliang.needs.tasks import invite_task

    invite_task(pk)


def recipients(questionnaire: Questionnaire, *, not_submitted: bool = False):
    """The memberships (admin, staff, active users) of the audience's enterprises; with
    ``not_submitted``, of those that have not submitted. One query."""
    enterprises = audience(questionnaire)
    if not_submitted:
        enterprises = enterprises.exclude(
            pk__in=Response.objects.filter(
                questionnaire=questionnaire, status=ResponseStatus.SUBMITTED
            ).values("enterprise_id")
        )
    return Membership.objects.filter(
        organisation__in=enterprises.values("pk"),
        role__in=ANSWERING_ROLES,
        user__is_active=True,
    ).select_related("user", "organisation")


def invite(questionnaire: Questionnaire, *, reminder: bool = False) -> int:
    """Tell the audience's members (those not submitted, for a reminder) in their inbox and
    by e-mail, in one bulk write; how many were told."""
    memberships = list(recipients(questionnaire, not_submitted=reminder))
    url = reverse("answering:surveys")
    title = (
        _("Reminder: please answer “%(title)s”")
        if reminder
        else _("Questionnaire for your enterprise: “%(title)s”")
    ) % {"title": questionnaire.title}
    lines = [_("From %(owner)s.") % {"owner": questionnaire.owner}]
    if questionnaire.closes_on:
        lines.append(
            _("Answers are accepted until %(date)s.")
            % {"date": questionnaire.closes_on.isoformat()}
        )
    deliver_many(
        [
            Message(
                recipient=membership.user,
                kind=NOTIFICATION_KIND,
                title=title,
                lines=lines,
                url=f"{url}?enterprise={membership.organisation_id}",
                organisation_id=membership.organisation_id,
            )
            for membership in memberships
        ]
    )
    return len(memberships)


@transaction.atomic
def questionnaire_remind(*, actor, questionnaire: Questionnaire) -> int:
    """Remind the enterprises that have not submitted an open questionnaire; how many users
    were told."""
    require_editable(actor, questionnaire)
    if questionnaire.status != S.OPEN:
        raise ValidationError(
            _("Only an open questionnaire's enterprises are reminded."), code="not_open"
        )
    told = invite(questionnaire, reminder=True)
    _record(actor, "needs.questionnaire.reminded", questionnaire, {"reminded": [None, told]})
    return told


def remind_before_closing(today=None) -> int:
    """Remind the enterprises that have not submitted each open questionnaire whose reminder
    day (``reminder_days`` before its close date) has come, once (the daily task; a morning
    missed is made up the next); how many questionnaires were reminded. A questionnaire opened
    on or after its reminder day is not: its invitation is that recent."""
    today = today or timezone.localdate()
    candidates = Questionnaire.objects.filter(
        status=S.OPEN,
        reminder_days__gt=0,
        auto_reminded_on__isnull=True,
        closes_on__gte=today,
        closes_on__lte=today + timedelta(days=MAX_REMINDER_DAYS),
    ).select_related("owner", "audience_region")
    due = [
        questionnaire
        for questionnaire in candidates
        if questionnaire.reminder_on <= today and _opened_before(questionnaire)
    ]
    return sum(_remind_once(questionnaire, today) for questionnaire in due)


def _opened_before(questionnaire: Questionnaire) -> bool:
    published = questionnaire.published_at
    return published is None or timezone.localdate(published) < questionnaire.reminder_on


@transaction.atomic
def _remind_once(questionnaire: Questionnaire, today) -> bool:
    # The claim decides between workers running at once: the second one's UPDATE waits for
    # the first one's commit, then matches nothing.
    claimed = Questionnaire.objects.filter(
        pk=questionnaire.pk, status=S.OPEN, auto_reminded_on__isnull=True
    ).update(auto_reminded_on=today)
    if not claimed:
        return False
    questionnaire.auto_reminded_on = today
    told = invite(questionnaire, reminder=True)
    changes = {"reminded": [None, told], "auto_reminded_on": [None, today.isoformat()]}
    _record(None, "needs.questionnaire.reminded", questionnaire, changes)
    return True


@transaction.atomic
def questionnaire_close(*, actor, questionnaire: Questionnaire) -> Questionnaire:
    """Stop taking answers (drafts stay unsubmitted)."""
    require_editable(actor, questionnaire)
    if questionnaire.status != S.OPEN:
        raise ValidationError(_("Only an open questionnaire is closed."), code="not_open")
    return _close(actor, questionnaire)


def _close(actor, questionnaire: Questionnaire) -> Questionnaire:
    questionnaire.status = S.CLOSED
    questionnaire.save(update_fields=["status", "updated"])
    _record(actor, "needs.questionnaire.closed", questionnaire, {"status": [S.OPEN, S.CLOSED]})
    return questionnaire


@transaction.atomic
def close_overdue(today=None) -> int:
    """Close the open questionnaires whose close date has passed (the daily task)."""
    today = today or timezone.localdate()
    overdue = list(
        Questionnaire.objects.select_for_update(of=("self",))
        .filter(status=S.OPEN, closes_on__lt=today)
        .select_related("owner")
    )
    for questionnaire in overdue:
        _close(None, questionnaire)
    return len(overdue)


def _record(actor, action: str, questionnaire: Questionnaire, changes: dict) -> None:
    audit.record(
        actor=actor,
        action=action,
        instance=questionnaire,
        organisation=questionnaire.owner,
        changes=changes,
    )
