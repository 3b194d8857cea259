from django.urls import path

from jiliang.orgs import enterprise_views, views

app_name = "orgs"

urlpatterns = [
    path("regions/", views.RegionListView.as_view(), name="region_list"),
    path("regions/<int:pk>/", views.RegionDetailView.as_view(), name="region_detail"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path(
        "organisations/<int:pk>/",
        views.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path(
        "organisations/<int:pk>/edit/",
        views.OrganisationUpdateView.as_view(),
        name="organisation_update",
    ),
    path(
        "organisations/<int:pk>/audit/",
        views.AuditEventListView.as_view(),
        name="audit_event_list",
    ),
    path(
        "organisations/<int:pk>/members/add/",
        views.MembershipAddView.as_view(),
        name="membership_add",
    ),
    path("memberships/<int:pk>/role/", views.MembershipRoleView.as_view(), name="membership_role"),
    path(
        "memberships/<int:pk>/remove/",
        views.MembershipRemoveView.as_view(),
        name="membership_remove",
    ),
    path("enterprises/", enterprise_views.EnterpriseListView.as_view(), name="enterprise_list"),
    path(
        "enterprises/import/",
        enterprise_views.EnterpriseImportView.as_view(),
        name="enterprise_import",
    ),
    path(
        "organisations/<int:pk>/profile/",
        enterprise_views.EnterpriseProfileUpdateView.as_view(),
        name="profile_update",
    ),
    path(
        "enterprises/register/",
        enterprise_views.RegistrationCreateView.as_view(),
        name="registration_create",
    ),
    path(
        "enterprises/registrations/",
        enterprise_views.RegistrationListView.as_view(),
        name="registration_list",
    ),
    path(
        "enterprises/registrations/<int:pk>/",
        enterprise_views.RegistrationDetailView.as_view(),
        name="registration_detail",
    ),
    path(
        "enterprises/registrations/<int:pk>/decide/",
        enterprise_views.RegistrationDecideView.as_view(),
        name="registration_decide",
    ),
]
