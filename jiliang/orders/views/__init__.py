"""The order pages: an enterprise's orders and new orders, an institution's queue, and one
order with the steps each party may take. Every write is a service call; a new order with its
documents is the order, then each document, in one transaction.

The package by topic: ``lists`` (the orders, the queue), ``ordering`` (a new order, the
mandatory filing), ``detail`` (one order, its change), ``transitions``, ``items`` (results,
certificates, attachments), ``time_limits`` (visits, pauses, the institution's limits) and
``certificate_settings`` (its numbering rule and measurement standards);
``base`` holds what they share. The views below are the ones ``urls`` uses.
"""

from jiliang.orders.views.base import rows_for_display
from jiliang.orders.views.certificate_settings import CertificateSettingsView, StandardUpdateView
from jiliang.orders.views.detail import OrderDetailView, OrderUpdateView
from jiliang.orders.views.items import (
    AttachmentAddView,
    AttachmentFileView,
    CertificateGenerateView,
    ItemCertificateFileView,
    ItemResultView,
)
from jiliang.orders.views.lists import InstitutionQueueView, OrderListView
from jiliang.orders.views.ordering import (
    InstrumentOptionsView,
    MandatoryFilingView,
    OrderCreateView,
)
from jiliang.orders.views.time_limits import (
    PauseEndView,
    PauseStartView,
    TimeLimitsView,
    VisitScheduleView,
)
from jiliang.orders.views.transitions import (
    AcceptView,
    CancelView,
    CompleteView,
    ReceiveView,
    ReturnView,
    SubmitView,
)

__all__ = [
    "AcceptView",
    "AttachmentAddView",
    "AttachmentFileView",
    "CancelView",
    "CertificateGenerateView",
    "CertificateSettingsView",
    "CompleteView",
    "InstitutionQueueView",
    "InstrumentOptionsView",
    "ItemCertificateFileView",
    "ItemResultView",
    "MandatoryFilingView",
    "OrderCreateView",
    "OrderDetailView",
    "OrderListView",
    "OrderUpdateView",
    "PauseEndView",
    "PauseStartView",
    "ReceiveView",
    "ReturnView",
    "StandardUpdateView",
    "SubmitView",
    "TimeLimitsView",
    "VisitScheduleView",
    "rows_for_display",
]
