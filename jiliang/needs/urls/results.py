from django.urls import path

from jiliang.needs.views import results as views

app_name = "survey_results"

urlpatterns = [
    path("results/", views.QuestionnaireResultsListView.as_view(), name="index"),
    path("<int:pk>/results/", views.ResultsView.as_view(), name="results"),
    path("<int:pk>/results/responses/", views.ResponseListView.as_view(), name="responses"),
    path(
        "<int:pk>/results/responses/<int:response_pk>/",
        views.ResponseDetailView.as_view(),
        name="response",
    ),
    path(
        "<int:pk>/results/responses/<int:response_pk>/files/<str:name>",
        views.ResponseFileView.as_view(),
        name="response_file",
    ),
    path(
        "<int:pk>/results/questions/<int:question_pk>/texts/",
        views.TextAnswerListView.as_view(),
        name="texts",
    ),
    path("<int:pk>/results/responses.xlsx", views.ExportXlsxView.as_view(), name="export_xlsx"),
    path("<int:pk>/results/responses.csv", views.ExportCsvView.as_view(), name="export_csv"),
]
