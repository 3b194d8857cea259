"""The ledger fixtures the order tests build on."""

from jiliang.instruments.tests.conftest import scale_item  # noqa: F401
