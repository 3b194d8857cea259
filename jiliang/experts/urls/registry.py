from django.urls import path

from jiliang.experts.views import registry as views

app_name = "experts"

urlpatterns = [
    path("", views.ExpertListView.as_view(), name="expert_list"),
    path("new/", views.ExpertCreateView.as_view(), name="expert_create"),
    path("<int:pk>/", views.ExpertDetailView.as_view(), name="expert_detail"),
    path("<int:pk>/edit/", views.ExpertUpdateView.as_view(), name="expert_update"),
    path(
        "<int:pk>/availability/",
        views.ExpertAvailabilityView.as_view(),
        name="expert_availability",
    ),
    path("groups/", views.GroupListView.as_view(), name="group_list"),
    path("groups/new/", views.GroupCreateView.as_view(), name="group_create"),
    path("groups/<int:pk>/", views.GroupDetailView.as_view(), name="group_detail"),
    path("groups/<int:pk>/edit/", views.GroupUpdateView.as_view(), name="group_update"),
    path(
        "groups/<int:pk>/deactivate/", views.GroupDeactivateView.as_view(), name="group_deactivate"
    ),
]
