"""The public certificate check, without signing in: included at ``certificates/``."""

from django.urls import path

from jiliang.orders import public_views

app_name = "certificates"

urlpatterns = [
    path("check/", public_views.CertificateCheckView.as_view(), name="check"),
    path("<uuid:token>/", public_views.CertificatePublicView.as_view(), name="detail"),
]
