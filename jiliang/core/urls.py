from django.urls import path

from jiliang.core import document_views, views

app_name = "core"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("documents/<int:pk>/", document_views.DocumentJobView.as_view(), name="document_job"),
    path(
        "documents/<int:pk>/download/",
        document_views.DocumentJobDownloadView.as_view(),
        name="document_job_download",
    ),
]
