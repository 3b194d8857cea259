"""Importing a ledger from the spreadsheets enterprises really keep.

``plan_import`` reads every sheet of the file that holds a ledger, finds each one's header (one
row, or two under merged cells) and maps its columns by what they mean; it parses every row and
says what would happen: created, updated (old → new per field) or unchanged. What is wrong is a
*problem* with its sheet, row, column and cell, and refuses the whole file; what is merely
unfamiliar (a word outside a vocabulary, a missing interval or number) is a *warning*, read as a
sensible default the user can correct. Every non-empty column ends mapped to a field, kept as an
extra attribute of the instrument, or ignored by the user's choice. ``ledger_import_apply`` (in
services) writes a plan without problems in one transaction; a plan made ``lazily`` has its rows
planned while they are being written.
"""

from jiliang.instruments.importing.plan import (
    EXTRA,
    INSTRUMENT_FIELDS,
    ImportPlan,
    PlannedRow,
    Problem,
    cyclic_garbage_collection_paused,
)
from jiliang.instruments.importing.planning import plan_import

__all__ = [
    "EXTRA",
    "INSTRUMENT_FIELDS",
    "ImportPlan",
    "PlannedRow",
    "Problem",
    "cyclic_garbage_collection_paused",
    "plan_import",
]
