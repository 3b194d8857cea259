"""The ledger's pages, a module per topic; every view is importable from here (urls.py)."""

from jiliang.instruments.views.catalogue import (
    CatalogueImportView,
    CatalogueListView,
    CatalogueSuggestView,
)
from jiliang.instruments.views.exports import LedgerExportView, LedgerTemplateView
from jiliang.instruments.views.imports import (
    ImportCommitView,
    ImportDetailView,
    ImportListView,
    ImportRemapView,
    ImportSettingsView,
    ImportUploadView,
    ImportWordsView,
)
from jiliang.instruments.views.labels import LabelSheetView, LabelView
from jiliang.instruments.views.ledger import (
    AttachmentAddView,
    AttachmentView,
    BulkActionView,
    CertificateView,
    DepartmentOptionsView,
    InstrumentCountView,
    InstrumentCreateView,
    InstrumentDetailView,
    InstrumentUpdateView,
    LedgerListView,
    RecordCreateView,
    ScopedFileView,
    ledger_filter_form,
)
from jiliang.instruments.views.scan import InstrumentScanView
from jiliang.instruments.views.summaries import (
    LedgerDashboardView,
    RegionSummaryView,
    chart_data,
)

__all__ = [
    "AttachmentAddView",
    "AttachmentView",
    "BulkActionView",
    "CatalogueImportView",
    "CatalogueListView",
    "CatalogueSuggestView",
    "CertificateView",
    "DepartmentOptionsView",
    "ImportCommitView",
    "ImportDetailView",
    "ImportListView",
    "ImportRemapView",
    "ImportSettingsView",
    "ImportUploadView",
    "ImportWordsView",
    "InstrumentCountView",
    "InstrumentCreateView",
    "InstrumentDetailView",
    "InstrumentScanView",
    "InstrumentUpdateView",
    "LabelSheetView",
    "LabelView",
    "LedgerDashboardView",
    "LedgerExportView",
    "LedgerListView",
    "LedgerTemplateView",
    "RecordCreateView",
    "RegionSummaryView",
    "ScopedFileView",
    "chart_data",
    "ledger_filter_form",
]
