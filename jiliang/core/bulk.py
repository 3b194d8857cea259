"""Writing many rows at once without building model instances.

``bulk_create`` spends most of its time preparing each value of each instance; an import of a
hundred thousand rows instead hands over tuples of checked values: PostgreSQL takes them by
COPY, other databases by ``executemany``. ``reserve_ids`` gives rows their primary keys before
they are written, so that rows referring to them can be made at the same time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial

from django.db import connections, models, router
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

# Columns of these PostgreSQL types can be sent in COPY's binary format, which the server need
# not parse, when every value is of the type's Python class (int, str, date, aware datetime,
# bool); psycopg refuses any other value.
BINARY_TYPES = frozenset({"bigint", "boolean", "date", "integer", "jsonb", "smallint", "text"})
BINARY_TYPE_PREFIXES = ("varchar(", "timestamp with time zone")
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
    exact_types: bool = False,
) -> int:
    """Insert ``rows`` of values for the fields named in ``columns`` (a foreign key takes the
    related id; the primary key, ids from ``reserve_ids``). Every other field gets its database
    default, or else its default,
    ``auto_now`` fields the current time. Nothing is validated: callers pass values they have
    checked. With ``ignore_conflicts``, a row that would break a unique constraint is left out.
    ``exact_types``: every value is of its field's Python type (an int, never a Decimal or a
    text of digits; a date, never a text), which lets PostgreSQL take the rows in binary.
    Returns the rows inserted."""
    db = connections[router.db_for_write(model)]
    given = [model._meta.get_field(name) for name in columns]
    # A field with a database default is left to the database: a JSON default would otherwise
    # be serialised again for every row.
    others = [
        field
        for field in model._meta.concrete_fields
        if field not in given and not field.primary_key and field.db_default is NOT_PROVIDED
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
    binary_types = _binary_types(db, given + others) if exact_types else None
    # psycopg takes the values of the types COPY sends in binary as they are.
    preparers = [
        (position, _preparer(field, db))
        for position, field in enumerate(given)
        if field.get_internal_type() not in PASSED_AS_IS and not binary_types
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
            return _copy(cursor, table, names, map(prepared, rows), ignore_conflicts, binary_types)
        marks = ", ".join(["%s"] * (len(given) + len(others)))
        verb = "INSERT OR IGNORE" if ignore_conflicts else "INSERT"
        cursor.executemany(
            f"{verb} INTO {table} ({names}) VALUES ({marks})", [prepared(row) for row in rows]
        )
        return cursor.rowcount


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` primary keys for new rows of ``model``, which no other row will be given. Call
    it in the transaction that writes the rows (on SQLite it takes the write lock)."""
    db = connections[router.db_for_write(model)]
    table, column = model._meta.db_table, model._meta.pk.column
    if not count:
        return []
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_get_serial_sequence(%s, %s)", [db.ops.quote_name(table), column]
            )
            (sequence,) = cursor.fetchone()
            if sequence is None:
                raise ValueError(f"The primary key of {table} takes no numbers from a sequence.")
            # The sequence as a constant: nextval of a name looked up per row costs 5× more.
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
            )
            return [pk for (pk,) in cursor.fetchall()]
        # SQLite: an AUTOINCREMENT key is always above the table's entry in sqlite_sequence,
        # which is there once the table has had a row.
        cursor.execute("UPDATE sqlite_sequence SET seq = seq + %s WHERE name = %s", [count, table])
        if not cursor.rowcount:
            highest = f"coalesce(max({db.ops.quote_name(column)}), 0)"
            cursor.execute(
                f"INSERT INTO sqlite_sequence (name, seq) SELECT %s, {highest} + %s "
                f"FROM {db.ops.quote_name(table)}",
                [table, count],
            )
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        (last,) = cursor.fetchone()
        return list(range(last - count + 1, last + 1))


def _binary_types(db, fields: list[models.Field]) -> list[str] | None:
    """The PostgreSQL types of the fields' columns when COPY can send them all in binary."""
    if db.vendor != "postgresql":
        return None
    types = [field.db_type(db) for field in fields]
    binary = all(name in BINARY_TYPES or name.startswith(BINARY_TYPE_PREFIXES) for name in types)
    return types if binary else None


def _copy(
    cursor,
    table: str,
    names: str,
    rows: Iterable[list],
    ignore_conflicts: bool,
    types: list[str] | None,
) -> int:
    """COPY the rows in, in binary when the columns' ``types`` are given; COPY knows no ON
    CONFLICT, so rows that may conflict go through a temporary table of the same columns
    first."""
    target = "jiliang_bulk_rows" if ignore_conflicts else table
    if ignore_conflicts:
        cursor.execute(f"CREATE TEMPORARY TABLE {target} AS SELECT {names} FROM {table} LIMIT 0")
    count = 0
    binary = " (FORMAT BINARY)" if types else ""
    with cursor.cursor.copy(f"COPY {target} ({names}) FROM STDIN{binary}") as copy:
        if types:  # psycopg knows "varchar", not "varchar(64)"
            copy.set_types([name.split("(")[0] for name in types])
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
