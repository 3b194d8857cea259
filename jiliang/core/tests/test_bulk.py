"""Rows written without model instances: defaults, timestamps, conflicts."""

from datetime import date

from jiliang.core.bulk import insert_rows
from jiliang.instruments.models import Instrument
from jiliang.orders.models import OrderItem
from jiliang.orders.tests.test_services import new_order


def test_rows_get_defaults_timestamps_and_their_own_random_tokens(world):
    written = insert_rows(
        Instrument,
        ["organisation", "management_number", "name", "commissioning_date"],
        [(world.enterprise.pk, f"B-{n}", "压力表", date(2024, 5, 6)) for n in range(3)],
    )
    assert written == 3
    instrument = Instrument.objects.get(management_number="B-1")
    assert (instrument.status, instrument.notes, instrument.commissioning_date) == (
        "in_use",
        "",
        date(2024, 5, 6),
    )
    assert instrument.created == instrument.updated
    order = new_order(world, instruments=[instrument])
    insert_rows(
        OrderItem,
        ["order", "institution", "instrument"],
        [
            (order.pk, order.institution_id, pk)
            for pk in (Instrument.objects.exclude(pk=instrument.pk).values_list("pk", flat=True))
        ],
    )
    tokens = list(OrderItem.objects.values_list("check_token", flat=True))
    assert len(tokens) == len(set(tokens)) == 3


def test_conflicting_rows_are_left_out_when_asked(world):
    columns = ["organisation", "management_number", "name"]
    insert_rows(Instrument, columns, [(world.enterprise.pk, "C-1", "卡尺")])
    written = insert_rows(
        Instrument,
        columns,
        [(world.enterprise.pk, "C-1", "另一把卡尺"), (world.enterprise.pk, "C-2", "千分尺")],
        ignore_conflicts=True,
    )
    assert written == 1
    assert Instrument.objects.get(management_number="C-1").name == "卡尺"
