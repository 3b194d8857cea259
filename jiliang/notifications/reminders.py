"""The daily due-date reminders: exactly once, caught up after missed days.

A run has two steps, each safe to interrupt and to run twice or in two workers at once:

1. ``queue_reminders`` selects, per reminder rule, the instruments whose due date puts one of
   its reminder days in the window since the last finished run, and writes one ``Reminder`` row
   per (instrument, due date, offset, recipient). The unique key makes a second insert of the
   same reminder a no-op. It then *catches up* the instruments in service that have no
   ``Reminder`` row at all for their current (instrument, due date) although one of their
   reminder days has passed: typed, imported or changed (a new due date, back in service) when
   already overdue or inside the reminder period. ``catch_up_dates`` gives each the offset of its
   latest reminder day on or before today, the one it would have been reminded on: the smallest
   offset at least the days until due; overdue, the latest weekly day, −7·⌊days overdue / 7⌋
   (under a week overdue, or without weekly reminders, the smallest offset). Its later reminder
   days then remind it as any other (due − 15 after a catch-up at due − 30, the next week). One
   anti-join (no row of the instrument and due date: a probe of the unique key's index per
   instrument, see ``unreminded_query``) selects them, streamed in chunks like the others, from
   two years overdue (``OVERDUE_WEEKS``) to the rule's largest offset ahead; the offset depends
   on the day only, so two workers catching up the same instrument offer the same key.
2. ``digest_reminders`` claims the pending rows of a batch of recipients with one conditional
   UPDATE (a row is claimed by one worker only), and in the same transaction writes one digest
   per recipient: an inbox message and an e-mail in the outbox, as each recipient chose. A crash
   rolls the claim back; the next run digests the rows.

E-mail leaves through ``services.send_queued_emails``, which never sends a message twice.

An instrument with nobody to remind has no row, so the catch-up meets it at every run: it is
reported (``ReminderProblem``) once per reminder day, as on the regular days, not once a run.

``ReminderRun.counts``: ``window_days`` covered; ``instruments`` reaching a reminder day, of
which ``caught_up`` by the catch-up; ``reminders`` written to the outbox and ``reminder_keys``
offered to it, including keys already there (a second run offers the same keys and writes
nothing); ``reminded``, the outbox rows this run put in digests, and ``stale``, the ones it
skipped because the instrument changed; ``digests``, ``notifications``, ``emails`` and
``problems`` this run wrote.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from jiliang.core.bulk import insert_rows
from jiliang.instruments import schedule
from jiliang.instruments.choices import InstrumentStatus
from jiliang.instruments.models import Instrument
from jiliang.notifications import services
from jiliang.notifications.models import (
    DepartmentContact,
    NotificationPreference,
    Reminder,
    ReminderPolicy,
    ReminderProblem,
    ReminderRun,
)
from jiliang.orgs.models import Membership, Organisation

# Suspended, sealed, retired and sent-away instruments are not reminded.
REMINDED_STATUSES = [InstrumentStatus.IN_USE, InstrumentStatus.REPAIR]
MANAGER_ROLES = ["admin", "staff"]
CATCH_UP_DAYS = 31  # missed days caught up at most
OVERDUE_WEEKS = 104  # weekly reminders stop two years after the due date
CHUNK = 5000
DIGEST_BATCH = 500
LINKED_INSTRUMENTS = 200  # a digest's ledger link names at most this many instruments
REMINDER_COLUMNS = ["organisation", "instrument", "due_date", "offset", "recipient"]
COUNTS = [
    "instruments",
    "caught_up",
    "reminders",
    "reminder_keys",
    "reminded",
    "stale",
    "digests",
    "notifications",
    "emails",
    "problems",
]


@dataclass(frozen=True)
class Rule:
    offsets: tuple[int, ...]
    weekly_when_overdue: bool
    to_custodian: bool
    to_department_contacts: bool
    to_managers: bool


DEFAULT_RULE = Rule(*ReminderPolicy.default_for(None).rule())


def run(today: date) -> ReminderRun:
    """The daily job for ``today``: queue, then digest, every reminder due since the last run."""
    with override(settings.LANGUAGE_CODE):  # what it writes is read in the site's language
        reminder_run = ReminderRun.objects.create(date=today)
        start = window_start(today)
        counts = Counter(dict.fromkeys(COUNTS, 0), window_days=(today - start).days + 1)
        queue_reminders(reminder_run, start, today, counts)
        digest_reminders(reminder_run, today, counts)
    reminder_run.finished = timezone.now()
    reminder_run.counts = dict(counts)
    reminder_run.save(update_fields=["finished", "counts"])
    return reminder_run


def window_start(today: date) -> date:
    """The first day not covered by a finished run (at most CATCH_UP_DAYS back); a first run
    covers today only."""
    last = (
        ReminderRun.objects.filter(finished__isnull=False, date__lt=today)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    if last is None:
        return today
    return max(last + timedelta(days=1), today - timedelta(days=CATCH_UP_DAYS - 1))


def due_dates(rule: Rule, start: date, today: date) -> dict[date, int]:
    """{due date: offset} of the reminders whose day falls in [start, today]; an instrument
    reached by several is reminded once, with the latest (a reminder day is due − offset)."""
    dates = {}
    day = start
    while day <= today:
        for offset in rule.offsets:
            dates[day + timedelta(days=offset)] = offset
        if rule.weekly_when_overdue:
            for week in range(1, OVERDUE_WEEKS + 1):
                dates[day - timedelta(days=7 * week)] = -7 * week
        day += timedelta(days=1)
    return dates


def catch_up_dates(rule: Rule, today: date, reminded_on: dict[date, int]) -> dict[date, int]:
    """{due date: offset} of the catch-up: each due date from ``OVERDUE_WEEKS`` overdue to the
    rule's largest offset ahead with the offset of its latest reminder day on or before
    ``today``; not the due dates of ``reminded_on`` (this run's window reaches them anyway)."""
    ahead = max(rule.offsets, default=-7 if rule.weekly_when_overdue else None)
    if ahead is None:
        return {}
    dates = {}
    for days in range(-7 * OVERDUE_WEEKS, ahead + 1):  # days until due
        due = today + timedelta(days=days)
        offset = _latest_offset(rule, days)
        if offset is not None and due not in reminded_on:
            dates[due] = offset
    return dates


def _latest_offset(rule: Rule, days: int) -> int | None:
    """The offset of the latest reminder day on or before today of an instrument due in
    ``days`` days (negative when overdue), if one has passed."""
    if days <= -7 and rule.weekly_when_overdue:
        return -7 * (-days // 7)
    passed = [offset for offset in rule.offsets if offset >= days]
    return min(passed, default=None)


def rule_groups() -> list[tuple[Rule, Q]]:
    """Each reminder rule in use with the condition on instruments' organisations it covers."""
    custom = defaultdict(list)
    for policy in ReminderPolicy.objects.all():
        rule = Rule(*policy.rule())
        if rule != DEFAULT_RULE:
            custom[rule].append(policy.organisation_id)
    others = [pk for ids in custom.values() for pk in ids]
    groups = [(DEFAULT_RULE, ~Q(organisation_id__in=others))]
    return groups + [(rule, Q(organisation_id__in=ids)) for rule, ids in custom.items()]


def queue_reminders(reminder_run, start: date, today: date, counts: Counter) -> None:
    muted = set(
        NotificationPreference.objects.filter(mute_reminders=True).values_list("user_id", flat=True)
    )
    for rule, organisations in rule_groups():
        offsets = due_dates(rule, start, today)
        late = catch_up_dates(rule, today, offsets)
        # One transaction around each streamed read and the writes: SQLite refuses at once
        # ("database is locked") to write from a connection whose open read is older than
        # another connection's commit; PostgreSQL streams through a plain server-side cursor.
        # The catch-up reads after the window's rows are written, so it skips them.
        with transaction.atomic():
            if offsets:
                rows = reminded_instruments(organisations, list(offsets))
                for chunk in _chunks(rows, CHUNK):
                    _queue_chunk(reminder_run, rule, chunk, offsets, muted, start, counts)
            if late:
                rows = unreminded_instruments(organisations, min(late), max(late), list(offsets))
                for chunk in _chunks(rows, CHUNK):
                    queued = _queue_chunk(reminder_run, rule, chunk, late, muted, start, counts)
                    counts["caught_up"] += queued


INSTRUMENT_COLUMNS = [
    "pk",
    "organisation_id",
    "management_number",
    "name",
    "department",
    "custodian",
    "next_due",
]


def reminded_instruments(organisations: Q, due_dates: list[date]):
    """The instruments in service of ``organisations`` due on one of ``due_dates``, streamed."""
    return _streamed(Instrument.objects.filter(organisations, next_due__in=due_dates))


def unreminded_instruments(organisations: Q, first: date, last: date, reminded_on: list[date]):
    """The instruments in service of ``organisations`` due from ``first`` to ``last`` but not on
    one of ``reminded_on``, without a ``Reminder`` row of their due date, streamed."""
    return unreminded_query(organisations, first, last, reminded_on).iterator(chunk_size=CHUNK)


def unreminded_query(organisations: Q, first: date, last: date, reminded_on: list[date]):
    """The query of ``unreminded_instruments``: one anti-join, no row of the instrument and its
    due date, each instrument probing the index of the unique key (instrument, due date, offset,
    recipient) once."""
    instruments = Instrument.objects.filter(organisations, next_due__range=(first, last))
    if reminded_on:
        instruments = instruments.exclude(next_due__in=reminded_on)
    reminded = Reminder.objects.filter(instrument=OuterRef("pk"), due_date=OuterRef("next_due"))
    # A scalar subquery rather than NOT EXISTS: PostgreSQL turns NOT EXISTS into a join, and a
    # planner misled by the outbox's statistics (analysed while it was empty) then materialises
    # the outbox and compares every instrument with every row of it (bench/remind.py with
    # BENCH_EMPTY_OUTBOX_STATS=1: 8.4 s for 5,709 instruments and 12,094 rows, growing with
    # their product). A scalar subquery is never turned into a join: it stays one probe of the
    # unique key's index per instrument (index only: ``offset`` is in the key).
    first_reminder = Subquery(reminded.values("offset")[:1])
    return _selected(instruments.alias(reminder=first_reminder).filter(reminder__isnull=True))


def _streamed(instruments):
    return _selected(instruments).iterator(chunk_size=CHUNK)


def _selected(instruments):
    return (
        instruments.filter(status__in=REMINDED_STATUSES)
        # The same order in every worker: two inserting the same keys never deadlock.
        .order_by("organisation_id", "pk")
        .values_list(*INSTRUMENT_COLUMNS)
    )


def _chunks(rows: Iterable, size: int):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _queue_chunk(reminder_run, rule, chunk, offsets, muted, start, counts) -> int:
    """Queue the reminders of ``chunk`` ({due date: offset} in ``offsets``); returns the number
    of instruments it reached."""
    recipients = Recipients({row[1] for row in chunk})
    reminders, nobody, reached = [], {}, 0
    for pk, organisation_id, number, name, department, custodian, due in chunk:
        offset = offsets.get(due)
        if organisation_id in recipients.inactive or offset is None:
            continue
        reached += 1
        users = recipients.of(rule, organisation_id, department, custodian) - muted
        if not users:
            # Reported once since its reminder day: the window's start, or before it for the
            # catch-up, which meets the instrument at every run until it has a row.
            since = min(start, due - timedelta(days=offset))
            key = (organisation_id, f"{number} {name}"[:300])
            nobody[key] = min(since, nobody.get(key, since))
        reminders += [(organisation_id, pk, due, offset, user) for user in sorted(users)]
    counts["instruments"] += reached
    # The unique key leaves out what an earlier or a concurrent run already wrote.
    counts["reminders"] += insert_rows(Reminder, REMINDER_COLUMNS, reminders, ignore_conflicts=True)
    counts["reminder_keys"] += len(reminders)
    problems = [
        ReminderProblem(
            run=reminder_run,
            organisation_id=organisation_id,
            kind=ReminderProblem.Kind.NO_RECIPIENT,
            detail=detail,
        )
        for organisation_id, detail in _unreported(nobody, reminder_run.date)
    ]
    ReminderProblem.objects.bulk_create(problems, batch_size=2000)
    counts["problems"] += len(problems)
    return reached


def _unreported(nobody: dict, today: date) -> list[tuple]:
    """The (organisation, instrument) pairs of ``nobody`` ({pair: since}) not yet reported by a
    run dated from their ``since`` to ``today``: a second run on the same day, or the catch-up
    meeting the instrument again, reports nothing again."""
    if not nobody:
        return []
    reported = defaultdict(list)
    for organisation_id, detail, day in ReminderProblem.objects.filter(
        kind=ReminderProblem.Kind.NO_RECIPIENT,
        organisation_id__in={organisation_id for organisation_id, _detail in nobody},
        detail__in={detail for _organisation_id, detail in nobody},
        run__date__range=(min(nobody.values()), today),
    ).values_list("organisation_id", "detail", "run__date"):
        reported[(organisation_id, detail)].append(day)
    return [key for key, since in nobody.items() if not any(day >= since for day in reported[key])]


class Recipients:
    """Who is reminded of the instruments of some organisations, loaded in three queries."""

    def __init__(self, organisation_ids: set[int]):
        self.inactive = set(
            Organisation.objects.filter(pk__in=organisation_ids, is_active=False).values_list(
                "pk", flat=True
            )
        )
        members = Membership.objects.filter(
            organisation_id__in=organisation_ids, user__is_active=True
        ).values_list(
            "organisation_id",
            "user_id",
            "role",
            "user__username",
            "user__first_name",
            "user__last_name",
        )
        self.managers = defaultdict(set)
        self.by_name = defaultdict(set)  # two members of the same name are both reminded
        for organisation_id, user_id, role, username, first, last in members:
            if role in MANAGER_ROLES:
                self.managers[organisation_id].add(user_id)
            for name in {username, f"{last}{first}", f"{first}{last}", f"{first} {last}"}:
                if name.strip():
                    self.by_name[(organisation_id, name.strip())].add(user_id)
        self.contacts = defaultdict(set)
        for organisation_id, department, user_id in DepartmentContact.objects.filter(
            organisation_id__in=organisation_ids, user__is_active=True
        ).values_list("organisation_id", "department", "user_id"):
            self.contacts[(organisation_id, department)].add(user_id)

    def of(self, rule: Rule, organisation_id, department, custodian) -> set[int]:
        users = set()
        if rule.to_custodian and custodian.strip():
            users |= self.by_name.get((organisation_id, custodian.strip()), set())
        if rule.to_department_contacts and department:
            users |= self.contacts.get((organisation_id, department), set())
        if rule.to_managers:
            users |= self.managers.get(organisation_id, set())
        return users


def digest_reminders(reminder_run, today: date, counts: Counter) -> None:
    """One digest per recipient of every pending reminder, whichever run queued it."""
    while True:
        batch = list(
            Reminder.objects.filter(status=Reminder.Status.PENDING)
            .order_by()
            .values_list("recipient_id", flat=True)
            .distinct()[:DIGEST_BATCH]
        )
        if not batch:
            return
        _digest_batch(reminder_run, batch, today, counts)


@transaction.atomic
def _digest_batch(reminder_run, recipient_ids, today, counts) -> None:
    claim = uuid.uuid4()
    # The conditional UPDATE is the claim: a row another worker took is no longer pending (on
    # PostgreSQL the UPDATE waits for that worker's commit, then sees the row is not pending).
    Reminder.objects.filter(recipient_id__in=recipient_ids, status=Reminder.Status.PENDING).update(
        status=Reminder.Status.CLAIMED, claim=claim
    )
    claimed = Reminder.objects.filter(claim=claim, status=Reminder.Status.CLAIMED)
    # The instrument changed since the row was queued: its new due date has rows of its own.
    # (An EXISTS, not a join: a join lets PostgreSQL's planner, misled by an outbox that grew
    # since its last statistics, re-scan the outbox once per claimed row.)
    current = Instrument.objects.filter(
        pk=OuterRef("instrument_id"), next_due=OuterRef("due_date"), status__in=REMINDED_STATUSES
    )
    counts["stale"] += claimed.exclude(Exists(current)).update(
        status=Reminder.Status.SKIPPED,
        skip_reason=_("The due date or the status changed before the digest."),
    )
    by_recipient = defaultdict(dict)
    for row in claimed.order_by("due_date", "instrument__management_number", "offset").values(
        "recipient_id",
        "organisation_id",
        "instrument_id",
        "instrument__management_number",
        "instrument__name",
        "instrument__department",
        "due_date",
    ):
        # An instrument queued at two offsets (after missed digests) is listed once.
        by_recipient[row["recipient_id"]].setdefault(row["instrument_id"], row)
    users = get_user_model().objects.in_bulk(list(by_recipient))
    ledger = reverse("instruments:instrument_list")
    digests = [
        _digest(users[user_id], list(rows.values()), today, ledger)
        for user_id, rows in by_recipient.items()
        if user_id in users
    ]
    outcome = services.deliver_many(digests, problem_run=reminder_run)
    counts["reminded"] += claimed.update(status=Reminder.Status.QUEUED)
    counts["digests"] += len(digests)
    counts["notifications"] += outcome["notifications"]
    counts["emails"] += outcome["emails"]
    counts["problems"] += outcome["problems"]


def _digest(user, rows, today, ledger: str) -> services.Message:
    count = len(rows)
    title = ngettext(
        "Verification due: %(count)d instrument",
        "Verification due: %(count)d instruments",
        count,
    ) % {"count": count}
    ids = sorted(row["instrument_id"] for row in rows)[:LINKED_INSTRUMENTS]
    return services.Message(
        recipient=user,
        organisation_id=rows[0]["organisation_id"],
        kind="reminder",
        title=title,
        lines=[_reminder_line(row, today) for row in rows],
        url=f"{ledger}?{urlencode([('id', pk) for pk in ids])}",
    )


def _reminder_line(row, today) -> str:
    when = schedule.due_in_words(row["due_date"], today)
    department = f" · {row['instrument__department']}" if row["instrument__department"] else ""
    return (
        f"{row['instrument__management_number']} {row['instrument__name']}{department} — "
        f"{row['due_date'].isoformat()} ({when})"
    )
