from django.urls import path

from jiliang.needs.views import fieldwork as views
from jiliang.needs.views import fieldwork_needs as need_views

app_name = "fieldwork"

urlpatterns = [
    path("teams/", views.TeamListView.as_view(), name="team_list"),
    path("teams/new/", views.TeamCreateView.as_view(), name="team_create"),
    path("teams/<int:pk>/", views.TeamDetailView.as_view(), name="team_detail"),
    path("teams/<int:pk>/edit/", views.TeamUpdateView.as_view(), name="team_update"),
    path("teams/<int:pk>/deactivate/", views.TeamDeactivateView.as_view(), name="team_deactivate"),
    path("teams/<int:pk>/visits/new/", views.VisitCreateView.as_view(), name="visit_create"),
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/edit/", views.VisitUpdateView.as_view(), name="visit_update"),
    path("needs/", need_views.NeedListView.as_view(), name="need_list"),
    path("needs/new/", need_views.NeedCreateView.as_view(), name="need_create"),
    path("needs/<int:pk>/", need_views.NeedDetailView.as_view(), name="need_detail"),
    path("needs/<int:pk>/status/", need_views.NeedStatusView.as_view(), name="need_status"),
    path("needs/<int:pk>/order/", need_views.NeedOrderView.as_view(), name="need_order"),
]
