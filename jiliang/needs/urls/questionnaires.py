from django.urls import path

from jiliang.needs.views import questionnaires as views

app_name = "questionnaires"

urlpatterns = [
    path("", views.QuestionnaireListView.as_view(), name="questionnaire_list"),
    path("new/", views.QuestionnaireCreateView.as_view(), name="questionnaire_create"),
    path("import/", views.QuestionnaireImportView.as_view(), name="questionnaire_import"),
    path("<int:pk>/", views.QuestionnaireDetailView.as_view(), name="questionnaire_detail"),
    path("<int:pk>/edit/", views.QuestionnaireEditView.as_view(), name="questionnaire_edit"),
    path(
        "<int:pk>/preview/", views.QuestionnairePreviewView.as_view(), name="questionnaire_preview"
    ),
    path(
        "<int:pk>/xlsform.xlsx",
        views.QuestionnaireExportView.as_view(),
        name="questionnaire_export",
    ),
    path("<int:pk>/copy/", views.QuestionnaireCopyView.as_view(), name="questionnaire_copy"),
    path("<int:pk>/delete/", views.QuestionnaireDeleteView.as_view(), name="questionnaire_delete"),
    path("<int:pk>/sections/new/", views.SectionAddView.as_view(), name="section_add"),
    path("sections/<int:pk>/edit/", views.SectionEditView.as_view(), name="section_edit"),
    path("sections/<int:pk>/move/", views.SectionMoveView.as_view(), name="section_move"),
    path("sections/<int:pk>/delete/", views.SectionDeleteView.as_view(), name="section_delete"),
    path("sections/<int:pk>/questions/new/", views.QuestionAddView.as_view(), name="question_add"),
    path("questions/<int:pk>/edit/", views.QuestionEditView.as_view(), name="question_edit"),
    path("questions/<int:pk>/move/", views.QuestionMoveView.as_view(), name="question_move"),
    path("questions/<int:pk>/delete/", views.QuestionDeleteView.as_view(), name="question_delete"),
]
