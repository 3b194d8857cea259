"""An instrument is in one draft or open order at a time, and the database decides it: of two
orders made at once for the same instrument exactly one holds it, the other is refused with a
ValidationError naming the instrument (never an IntegrityError, never two open orders)."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from jiliang.core.testing.threads import in_threads
from jiliang.instruments.tests.conftest import add_instrument
from jiliang.orders import services
from jiliang.orders.models import Order, OrderItem
from jiliang.orders.services import ordering
from jiliang.orders.tests.test_api import create
from jiliang.orders.tests.test_services import institution, new_order, received
from jiliang.orders.tests.test_views import client_for, order_data

pytestmark = pytest.mark.usefixtures("english")  # messages below are matched in English

THREADS = 4
ATTEMPTS = 5


def holders(instrument) -> int:
    """The draft or open orders holding ``instrument``."""
    return OrderItem.objects.filter(
        instrument=instrument, order__status__in=services.BUSY_STATUSES
    ).count()


def test_the_database_refuses_a_second_open_order_for_an_instrument(world):
    contested = add_instrument(world)
    first = new_order(world, instruments=[contested])
    second = new_order(world, instruments=[add_instrument(world, management_number="JL-002")])
    with pytest.raises(IntegrityError), transaction.atomic():  # past the service's own check
        OrderItem.objects.create(order=second, institution=second.institution, instrument=contested)
    services.order_cancel(actor=world.users["same_enterprise"], order=first)
    # A cancelled order holds it no more.
    OrderItem.objects.create(order=second, institution=second.institution, instrument=contested)
    assert holders(contested) == 1


def test_a_completed_order_lets_its_instruments_go(world):
    order = received(world)
    item = order.items.get()
    services.item_record_result(
        actor=institution(world), item=item, conclusion="pass", result_date=date(2026, 10, 9)
    )
    services.order_complete(actor=institution(world), order=order, today=date(2026, 10, 9))
    again = new_order(world, instruments=[item.instrument])
    assert again.items.get().instrument == item.instrument
    assert holders(item.instrument) == 1


@pytest.fixture
def check_misses(monkeypatch):
    """What the loser of a race meets: the other order committed after the check looked. The
    check (each service call's first look) misses it; the look after the refused insert sees
    it. Returns the looks."""
    looks = []
    busy_item = ordering._busy_item

    def misses_the_first_look(instruments, keep=None):
        looks.append(instruments)
        return None if len(looks) % 2 else busy_item(instruments, keep)

    monkeypatch.setattr(ordering, "_busy_item", misses_the_first_look)
    return looks


def test_an_order_the_check_missed_is_refused_by_the_database_naming_the_instrument(
    world, check_misses
):
    contested = add_instrument(world)
    other = add_instrument(world, management_number="JL-002")
    first = new_order(world, instruments=[contested])
    draft = new_order(world, instruments=[other])
    check_misses.clear()
    with pytest.raises(ValidationError) as error:
        new_order(world, instruments=[contested])
    assert error.value.message_dict == {
        "instruments": [f"{contested} is already in order {first}."]
    }
    with pytest.raises(ValidationError) as error:
        services.order_update(
            actor=world.users["same_enterprise"], order=draft, instruments=[other, contested]
        )
    assert error.value.message_dict == {
        "instruments": [f"{contested} is already in order {first}."]
    }
    assert len(check_misses) == 4
    assert holders(contested) == 1
    assert Order.objects.count() == 2
    assert list(draft.items.values_list("instrument", flat=True)) == [other.pk]


def test_the_api_answers_the_loser_400_naming_the_instrument(world, check_misses):
    contested = add_instrument(world)
    first = new_order(world, instruments=[contested])
    check_misses.clear()
    response = create(world, instruments=[contested])
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "instruments", "message": f"{contested} is already in order {first}."}
    ]
    assert holders(contested) == 1


def test_the_page_shows_the_loser_the_instrument_on_the_form(world, check_misses):
    contested = add_instrument(world)
    first = new_order(world, instruments=[contested])
    check_misses.clear()
    response = client_for(world, "same_enterprise").post(
        reverse("orders:order_create"), order_data(world, [contested])
    )
    assert response.status_code == 400
    assert f"{contested} is already in order {first}." in response.content.decode()
    assert holders(contested) == 1


def test_an_instrument_chosen_twice_is_ordered_once(world):
    instrument = add_instrument(world)
    order = new_order(world, instruments=[instrument, instrument])
    assert order.items.get().instrument == instrument


def _race(world, contested, way: str, attempt: int) -> list[str]:
    """THREADS enterprise users at once put ``contested`` in an order of their own."""
    users = [
        get_user_model().objects.get(pk=world.users["same_enterprise"].pk) for _ in range(THREADS)
    ]
    if way == "create":

        def work():
            services.order_create(
                actor=users.pop(),
                enterprise=world.enterprise,
                institution=world.organisations["institution"],
                kind="calibration",
                instruments=[contested],
                service_mode="drop_off",
                contact_name="张伟",
                contact_phone="0371-66668888",
            )

    else:
        drafts = []
        for n in range(THREADS):
            own = add_instrument(world, management_number=f"OWN-{attempt}-{n}")
            drafts.append((new_order(world, instruments=[own]).pk, own))

        def work():
            pk, own = drafts.pop()
            services.order_update(
                actor=users.pop(), order=Order.objects.get(pk=pk), instruments=[own, contested]
            )

    return in_threads(THREADS, work)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("way", ["create", "update"])
def test_orders_made_at_once_for_one_instrument_one_holds_it_on_a_real_database(shared_world, way):
    world = shared_world
    for attempt in range(ATTEMPTS):
        contested = add_instrument(world, management_number=f"RACE-{attempt}")
        errors = _race(world, contested, way, attempt)
        assert holders(contested) == 1, f"attempt {attempt}: {errors}"
        assert len(errors) == THREADS - 1, f"attempt {attempt}: {errors}"
        # Each loser is told (in the site language) which instrument another order holds.
        for error in errors:
            assert error.startswith("ValidationError: {'instruments': "), error
            assert str(contested) in error, error
    orders = Order.objects.filter(items__instrument__management_number__startswith="RACE-")
    assert orders.count() == ATTEMPTS
