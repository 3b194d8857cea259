from django.urls import path

from jiliang.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.CampaignListView.as_view(), name="campaign_list"),
    path("new/", views.CampaignCreateView.as_view(), name="campaign_create"),
    path("<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path(
        "<int:pk>/statistics.xlsx",
        views.StatisticsFileView.as_view(kind="xlsx"),
        name="statistics_xlsx",
    ),
    path(
        "<int:pk>/statistics.pdf",
        views.StatisticsFileView.as_view(kind="pdf"),
        name="statistics_pdf",
    ),
    path("<int:pk>/dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("<int:pk>/quotas/<int:region>/", views.QuotasView.as_view(), name="quotas"),
    path(
        "<int:pk>/quotas/<int:region>/import/",
        views.QuotaImportView.as_view(),
        name="quotas_import",
    ),
    path(
        "<int:pk>/quotas/<int:region>/export.xlsx",
        views.QuotaFileView.as_view(),
        name="quotas_export",
    ),
    path(
        "<int:pk>/quotas/<int:region>/template.xlsx",
        views.QuotaFileView.as_view(blank=True),
        name="quotas_template",
    ),
    path("<int:pk>/figures/", views.FiguresView.as_view(), name="figures"),
    path("<int:pk>/figures/submit/", views.FiguresSubmitView.as_view(), name="figures_submit"),
    path("<int:pk>/approvals/", views.ApprovalsView.as_view(), name="approvals"),
    path("<int:pk>/approvals/chase/", views.ChaseView.as_view(), name="chase"),
    path("reports/<int:pk>/approve/", views.ApproveView.as_view(), name="report_approve"),
    path("reports/<int:pk>/return/", views.ReturnView.as_view(), name="report_return"),
    path("reports/<int:pk>/unapprove/", views.UnapproveView.as_view(), name="report_unapprove"),
]
