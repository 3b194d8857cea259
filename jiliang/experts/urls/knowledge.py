"""The knowledge base (常见计量问答), typical cases and search: included at ``knowledge/``."""

from django.urls import path

from jiliang.experts.views import knowledge as views

app_name = "knowledge"

urlpatterns = [
    path("", views.SearchView.as_view(), name="search"),
    path("suggest/", views.SuggestView.as_view(), name="suggest"),
    path("entries/new/", views.EntryCreateView.as_view(), name="entry_create"),
    path("entries/<int:pk>/", views.EntryDetailView.as_view(), name="entry_detail"),
    path("entries/<int:pk>/edit/", views.EntryEditView.as_view(), name="entry_edit"),
    path("answers-to-collect/", views.CollectListView.as_view(), name="collect"),
    path(
        "from-consultation/<int:pk>/",
        views.EntryFromConsultationView.as_view(),
        name="entry_from_consultation",
    ),
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/edit/", views.CaseEditView.as_view(), name="case_edit"),
    path("cases/from-problem/<int:pk>/", views.CasePublishView.as_view(), name="case_publish"),
]
