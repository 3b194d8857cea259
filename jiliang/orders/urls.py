from django.urls import path

from jiliang.orders import views

app_name = "orders"

urlpatterns = [
    path("", views.OrderListView.as_view(), name="order_list"),
    path("new/", views.OrderCreateView.as_view(), name="order_create"),
    path("mandatory-filing/", views.MandatoryFilingView.as_view(), name="mandatory_filing"),
    path("instrument-options/", views.InstrumentOptionsView.as_view(), name="instrument_options"),
    path("queue/", views.InstitutionQueueView.as_view(), name="queue"),
    path("time-limits/", views.TimeLimitsView.as_view(), name="time_limits"),
    path(
        "certificate-settings/",
        views.CertificateSettingsView.as_view(),
        name="certificate_settings",
    ),
    path(
        "certificate-settings/standards/<int:pk>/",
        views.StandardUpdateView.as_view(),
        name="standard_update",
    ),
    path("<int:pk>/", views.OrderDetailView.as_view(), name="order_detail"),
    path("<int:pk>/edit/", views.OrderUpdateView.as_view(), name="order_update"),
    path("<int:pk>/submit/", views.SubmitView.as_view(), name="order_submit"),
    path("<int:pk>/cancel/", views.CancelView.as_view(), name="order_cancel"),
    path("<int:pk>/return/", views.ReturnView.as_view(), name="order_return"),
    path("<int:pk>/accept/", views.AcceptView.as_view(), name="order_accept"),
    path("<int:pk>/receive/", views.ReceiveView.as_view(), name="order_receive"),
    path("<int:pk>/visit/", views.VisitScheduleView.as_view(), name="order_visit"),
    path("<int:pk>/complete/", views.CompleteView.as_view(), name="order_complete"),
    path("<int:pk>/pause/", views.PauseStartView.as_view(), name="pause_start"),
    path("<int:pk>/resume/", views.PauseEndView.as_view(), name="pause_end"),
    path("<int:pk>/attachments/new/", views.AttachmentAddView.as_view(), name="attachment_add"),
    path("attachments/<int:pk>/", views.AttachmentFileView.as_view(), name="attachment"),
    path("items/<int:pk>/result/", views.ItemResultView.as_view(), name="item_result"),
    path(
        "items/<int:pk>/generate-certificate/",
        views.CertificateGenerateView.as_view(),
        name="item_generate_certificate",
    ),
    path(
        "items/<int:pk>/certificate/",
        views.ItemCertificateFileView.as_view(),
        name="item_certificate",
    ),
]
