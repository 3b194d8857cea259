from django.urls import path

from jiliang.orders import stats_views

app_name = "orders_statistics"

urlpatterns = [
    path("", stats_views.StatisticsView.as_view(), name="index"),
]
