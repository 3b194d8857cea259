from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from jiliang.accounts.forms import AdminLoginForm
from jiliang.api import api

admin.site.login_form = AdminLoginForm
admin.site.site_header = _("Jiliang administration")
admin.site.site_title = _("Jiliang administration")
admin.site.index_title = _("Platform data")

urlpatterns = [
    path("", include("jiliang.core.urls")),
    path("account/", include("jiliang.accounts.urls")),
    path("", include("jiliang.orgs.urls")),
    path("instruments/", include("jiliang.instruments.urls")),
    path("notifications/", include("jiliang.notifications.urls")),
    path("orders/statistics/", include("jiliang.orders.stats_urls")),
    path("orders/", include("jiliang.orders.urls")),
    path("campaigns/", include("jiliang.campaigns.urls")),
    path("surveys/", include("jiliang.needs.urls.questionnaires")),
    path("surveys/", include("jiliang.needs.urls.answering")),
    path("surveys/", include("jiliang.needs.urls.results")),
    path("fieldwork/", include("jiliang.needs.urls.fieldwork")),
    path("consultations/", include("jiliang.experts.urls.consultations")),
    path("experts/", include("jiliang.experts.urls.registry")),
    path("knowledge/", include("jiliang.experts.urls.knowledge")),
    path("problems/", include("jiliang.experts.urls.problems")),
    path("certificates/", include("jiliang.orders.public_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
