"""Writing what follows from the records: each instrument's last verification, conclusion and
next due date, for one instrument or many at once."""

from __future__ import annotations

from jiliang.instruments import schedule
from jiliang.instruments.models import Instrument, VerificationRecord

SCHEDULE_FIELDS = ["last_record_date", "last_conclusion", "next_due"]
REFRESH_BATCH = 5000


def apply_schedule(instrument: Instrument, current_records: list) -> None:
    """Set the fields that follow from the current records (newest first); does not save."""
    latest = current_records[0] if current_records else None
    instrument.last_record_date = latest.date if latest else None
    instrument.last_conclusion = latest.conclusion if latest else ""
    instrument.next_due = schedule.next_due(instrument, current_records)


def instruments_refresh_schedules(instrument_ids: set[int]) -> None:
    """Last record, conclusion and next due of many instruments, in batches that stay within
    SQLite's limit on query parameters: two queries and a bulk update per batch."""
    ids = sorted(instrument_ids)
    for start in range(0, len(ids), REFRESH_BATCH):
        batch = ids[start : start + REFRESH_BATCH]
        current = {}
        records = (
            VerificationRecord.objects.filter(instrument_id__in=batch)
            .current()
            .newest_first("instrument_id")
        )
        for record in records:
            current.setdefault(record.instrument_id, []).append(record)
        instruments = list(Instrument.objects.filter(pk__in=batch).select_related("catalogue_item"))
        for instrument in instruments:
            apply_schedule(instrument, current.get(instrument.pk, []))
        Instrument.objects.bulk_update(instruments, fields=SCHEDULE_FIELDS, batch_size=2000)
