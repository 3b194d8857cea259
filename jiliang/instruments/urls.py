from django.urls import path

from jiliang.instruments import views

app_name = "instruments"

urlpatterns = [
    path("", views.LedgerListView.as_view(), name="instrument_list"),
    path("new/", views.InstrumentCreateView.as_view(), name="instrument_create"),
    path("dashboard/", views.LedgerDashboardView.as_view(), name="dashboard"),
    path("regions/", views.RegionSummaryView.as_view(), name="region_summary"),
    path("bulk/", views.BulkActionView.as_view(), name="bulk_action"),
    path("count/", views.InstrumentCountView.as_view(), name="instrument_count"),
    path("departments/", views.DepartmentOptionsView.as_view(), name="department_options"),
    path("labels.pdf", views.LabelSheetView.as_view(), name="label_sheet"),
    path("export.xlsx", views.LedgerExportView.as_view(), name="export"),
    path("template.xlsx", views.LedgerTemplateView.as_view(), name="template"),
    path("imports/", views.ImportListView.as_view(), name="import_list"),
    path("imports/new/", views.ImportUploadView.as_view(), name="import_upload"),
    path("imports/settings/", views.ImportSettingsView.as_view(), name="import_settings"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/mapping/", views.ImportRemapView.as_view(), name="import_remap"),
    path("imports/<int:pk>/words/", views.ImportWordsView.as_view(), name="import_words"),
    path("imports/<int:pk>/commit/", views.ImportCommitView.as_view(), name="import_commit"),
    path("catalogue/", views.CatalogueListView.as_view(), name="catalogue_list"),
    path("catalogue/import/", views.CatalogueImportView.as_view(), name="catalogue_import"),
    path("catalogue/suggest/", views.CatalogueSuggestView.as_view(), name="catalogue_suggest"),
    path("<int:pk>/", views.InstrumentDetailView.as_view(), name="instrument_detail"),
    # What the labels' QR codes open: printed labels last for years, so this path stays.
    path("<int:pk>/scan/", views.InstrumentScanView.as_view(), name="instrument_scan"),
    path("<int:pk>/edit/", views.InstrumentUpdateView.as_view(), name="instrument_update"),
    path("<int:pk>/label.pdf", views.LabelView.as_view(), name="label"),
    path("<int:pk>/records/new/", views.RecordCreateView.as_view(), name="record_create"),
    path("<int:pk>/attachments/new/", views.AttachmentAddView.as_view(), name="attachment_add"),
    path("records/<int:pk>/certificate/", views.CertificateView.as_view(), name="certificate"),
    path("attachments/<int:pk>/", views.AttachmentView.as_view(), name="attachment"),
]
