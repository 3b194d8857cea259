from datetime import date

import pytest

from jiliang.instruments import services
from jiliang.instruments.models import CatalogueItem


@pytest.fixture
def scale_item(db):
    return CatalogueItem.objects.get(item="非自动衡器", category="电子计价秤")


def add_instrument(world, actor="same_enterprise", organisation=None, **fields):
    """An instrument of the matrix world's enterprise (or ``organisation``), via the service."""
    values = {
        "management_number": "JL-001",
        "name": "游标卡尺",
        "traceability": "calibration",
        "interval_months": 12,
        "purpose": "other",
        **fields,
    }
    return services.instrument_create(
        actor=world.users[actor], organisation=organisation or world.enterprise, **values
    )


def add_record(world, instrument, actor="same_enterprise", **fields):
    values = {
        "date": date(2025, 3, 15),
        "kind": "calibration",
        "conclusion": "pass",
        "institution_name": "郑州市计量技术研究所",
        **fields,
    }
    return services.record_create(actor=world.users[actor], instrument=instrument, **values)


@pytest.fixture
def instrument(world):
    instrument = add_instrument(world)
    add_record(world, instrument)
    return instrument
