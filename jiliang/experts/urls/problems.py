from django.urls import path

from jiliang.experts.views import problems as views
from jiliang.experts.views import projects as project_views

app_name = "problems"

urlpatterns = [
    path("", views.ProblemListView.as_view(), name="problem_list"),
    path("new/", views.ProblemCreateView.as_view(), name="problem_create"),
    path("record/", views.ProblemRecordView.as_view(), name="problem_record"),
    path("from-need/<int:pk>/", views.ProblemFromNeedView.as_view(), name="problem_from_need"),
    path("<int:pk>/", views.ProblemDetailView.as_view(), name="problem_detail"),
    path("<int:pk>/assign/", views.ProblemAssignView.as_view(), name="problem_assign"),
    path("<int:pk>/start/", views.ProblemStartView.as_view(), name="problem_start"),
    path("<int:pk>/propose/", views.ProblemProposeView.as_view(), name="problem_propose"),
    path("<int:pk>/confirm/", views.ProblemConfirmView.as_view(), name="problem_confirm"),
    path("<int:pk>/unsolvable/", views.ProblemUnsolvableView.as_view(), name="problem_unsolvable"),
    path("<int:pk>/reopen/", views.ProblemReopenView.as_view(), name="problem_reopen"),
    path(
        "<int:pk>/documents/", views.ProblemDocumentAddView.as_view(), name="problem_document_add"
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/",
        views.ProblemDocumentView.as_view(),
        name="problem_document",
    ),
    path("projects/", project_views.ProjectListView.as_view(), name="project_list"),
    path("projects/new/", project_views.ProjectCreateView.as_view(), name="project_create"),
    path("projects/<int:pk>/", project_views.ProjectDetailView.as_view(), name="project_detail"),
    path(
        "projects/<int:pk>/milestones/",
        project_views.MilestoneAddView.as_view(),
        name="milestone_add",
    ),
    path(
        "projects/<int:pk>/milestones/<int:milestone_pk>/done/",
        project_views.MilestoneDoneView.as_view(),
        name="milestone_done",
    ),
    path(
        "projects/<int:pk>/documents/",
        project_views.ProjectDocumentAddView.as_view(),
        name="project_document_add",
    ),
    path(
        "projects/<int:pk>/documents/<int:document_pk>/",
        project_views.ProjectDocumentView.as_view(),
        name="project_document",
    ),
    path(
        "projects/<int:pk>/finish/",
        project_views.ProjectFinishView.as_view(),
        name="project_finish",
    ),
]
