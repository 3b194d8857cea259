"""Migration 0004: the items of orders closed before it hold their instruments no more, and an
instrument already in several open orders stops it with their names rather than half-done."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jiliang.instruments.tests.conftest import add_instrument
from jiliang.orders import services
from jiliang.orders.tests.test_services import institution, new_order, received

BEFORE = [("orders", "0003_updated_index")]
AFTER = [("orders", "0004_orderitem_order_closed")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def world_before(shared_world):
    """The world's orders, then the schema as it was before the migration; the latest again
    afterwards."""
    yield shared_world
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_closed_orders_let_their_instruments_go_and_doubles_stop_the_migration(world_before):
    world = world_before
    enterprise = world.users["same_enterprise"]
    completed = received(world)
    item = completed.items.get()
    services.item_record_result(
        actor=institution(world), item=item, conclusion="pass", result_date=date(2026, 10, 9)
    )
    services.order_complete(actor=institution(world), order=completed, today=date(2026, 10, 9))
    cancelled = new_order(world, instruments=[add_instrument(world, management_number="C-1")])
    services.order_cancel(actor=enterprise, order=cancelled)
    doubled = add_instrument(world, management_number="D-1")
    draft = new_order(world, instruments=[doubled])
    submitted = new_order(world, instruments=[add_instrument(world, management_number="S-1")])
    services.order_submit(actor=enterprise, order=submitted)

    old = migrate(BEFORE)
    OrderItem = old.get_model("orders", "OrderItem")
    # Made at once before the constraint: the submitted order holds the draft's instrument too.
    OrderItem.objects.create(
        order_id=submitted.pk, institution_id=submitted.institution_id, instrument_id=doubled.pk
    )
    with pytest.raises(RuntimeError) as error:
        migrate(AFTER)
    assert f"instrument id {doubled.pk}: orders id {draft.pk}, {submitted.pk}" in str(error.value)
    old.get_model("orders", "Order").objects.filter(pk=draft.pk).update(status="cancelled")

    new = migrate(AFTER)
    closed = dict(new.get_model("orders", "OrderItem").objects.values_list("order", "order_closed"))
    assert closed == {completed.pk: True, cancelled.pk: True, draft.pk: True, submitted.pk: False}
