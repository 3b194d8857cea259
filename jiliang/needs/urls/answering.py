from django.urls import path

from jiliang.needs.views import answering as views
from jiliang.needs.views import distribution

app_name = "answering"

urlpatterns = [
    path("answer/", views.SurveyListView.as_view(), name="surveys"),
    path("answer/<int:pk>/<int:enterprise>/", views.AnswerView.as_view(), name="answer"),
    path("<int:pk>/paper/", views.PaperListView.as_view(), name="paper"),
    path("<int:pk>/paper/<int:enterprise>/", views.PaperEntryView.as_view(), name="paper_entry"),
    path("<int:pk>/distribution/", distribution.DistributionView.as_view(), name="distribution"),
    path("<int:pk>/open/", distribution.OpenView.as_view(), name="open"),
    path("<int:pk>/remind/", distribution.RemindView.as_view(), name="remind"),
    path("<int:pk>/close/", distribution.CloseView.as_view(), name="close"),
    path("public/<str:token>/", views.PublicAnswerView.as_view(), name="public"),
    path("public/<str:token>/thanks/", views.PublicDoneView.as_view(), name="public_done"),
]
