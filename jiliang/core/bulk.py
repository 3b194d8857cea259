"""Writing many rows at once without building model instances.

``bulk_create`` spends most of its time preparing each value of each instance; an import of a
hundred thousand rows instead hands over tuples of checked values: PostgreSQL takes them by
COPY, other databases by ``executemany``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial

from django.db import connections, models, router
from django.utils import timezone

# Values of these fields reach the database driver as they are; the others are prepared.
PASSED_AS_IS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence],
    *,
    ignore_conflicts: bool = False,
) -> int:
    """Insert ``rows`` of values for the fields named in ``columns`` (a foreign key takes the
    related id). Every other field gets its default, ``auto_now`` fields the current time.
    Nothing is validated: callers pass values they have checked. With ``ignore_conflicts``,
    a row that would break a unique constraint is left out. Returns the rows inserted."""
    db = connections[router.db_for_write(model)]
    given = [model._meta.get_field(name) for name in columns]
    others = [
        field
        for field in model._meta.concrete_fields
        if field not in given and not field.primary_key
    ]
    now = timezone.now()
    # A callable default (a random token) is called for every row; other defaults once.
    fresh = [
        (position, field)
        for position, field in enumerate(others)
        if field.has_default() and callable(field.default)
    ]
    constants = [
        field.get_db_prep_save(
            now
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            else field.get_default(),
            db,
        )
        for field in others
    ]
    preparers = [
        (position, _preparer(field, db))
        for position, field in enumerate(given)
        if field.get_internal_type() not in PASSED_AS_IS
    ]

    def prepared(row: Sequence) -> list:
        values = [*row, *constants]
        for position, prepare in preparers:
            values[position] = prepare(values[position])
        for position, field in fresh:
            values[len(given) + position] = field.get_db_prep_save(field.get_default(), db)
        return values

    table = db.ops.quote_name(model._meta.db_table)
    names = ", ".join(db.ops.quote_name(field.column) for field in given + others)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            return _copy(cursor, table, names, map(prepared, rows), ignore_conflicts)
        marks = ", ".join(["%s"] * (len(given) + len(others)))
        verb = "INSERT OR IGNORE" if ignore_conflicts else "INSERT"
        cursor.executemany(
            f"{verb} INTO {table} ({names}) VALUES ({marks})", [prepared(row) for row in rows]
        )
        return cursor.rowcount


def _copy(cursor, table: str, names: str, rows: Iterable[list], ignore_conflicts: bool) -> int:
    """COPY the rows in; COPY knows no ON CONFLICT, so rows that may conflict go through a
    temporary table of the same columns first."""
    target = "jiliang_bulk_rows" if ignore_conflicts else table
    if ignore_conflicts:
        cursor.execute(f"CREATE TEMPORARY TABLE {target} AS SELECT {names} FROM {table} LIMIT 0")
    count = 0
    with cursor.cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    if ignore_conflicts:
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {target} ON CONFLICT DO NOTHING"
        )
        count = cursor.rowcount
        cursor.execute(f"DROP TABLE {target}")
    return count


def _preparer(field: models.Field, db):
    """How a value of ``field`` is made ready for the driver: dates directly by the backend."""
    kind = field.get_internal_type()
    if kind == "DateField":
        return db.ops.adapt_datefield_value
    if kind == "DateTimeField":
        return db.ops.adapt_datetimefield_value
    return partial(field.get_db_prep_save, connection=db)
