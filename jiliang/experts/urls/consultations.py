from django.urls import path

from jiliang.experts.views import consultations as views

app_name = "consultations"

urlpatterns = [
    path("", views.MyQuestionsView.as_view(), name="list"),
    path("ask/", views.AskView.as_view(), name="ask"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("public/", views.PublicListView.as_view(), name="public"),
    path("<int:pk>/", views.ThreadView.as_view(), name="detail"),
    path("<int:pk>/reply/", views.ReplyView.as_view(), name="reply"),
    path("<int:pk>/accept/", views.AcceptView.as_view(), name="accept"),
    path("<int:pk>/reassign/", views.ReassignView.as_view(), name="reassign"),
    path("<int:pk>/close/", views.CloseView.as_view(), name="close"),
]
