from django.urls import path, re_path

from jiliang.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("read/", views.NotificationReadView.as_view(), name="mark_all_read"),
    path("<int:pk>/read/", views.NotificationReadView.as_view(), name="mark_read"),
    path("preferences/", views.PreferencesView.as_view(), name="preferences"),
    path("calendar/renew/", views.CalendarFeedRenewView.as_view(), name="calendar_renew"),
    path("calendar/revoke/", views.CalendarFeedRevokeView.as_view(), name="calendar_revoke"),
    # The token is what secrets.token_urlsafe makes: letters, digits, "-" and "_".
    re_path(
        r"^calendar/(?P<token>[A-Za-z0-9_-]{16,128})\.ics$",
        views.CalendarFeedView.as_view(),
        name="calendar_feed",
    ),
    path("reminders/", views.ReminderSettingsView.as_view(), name="reminder_settings"),
    path(
        "reminders/contacts/",
        views.DepartmentContactAddView.as_view(),
        name="department_contact_add",
    ),
    path(
        "reminders/contacts/<int:pk>/remove/",
        views.DepartmentContactRemoveView.as_view(),
        name="department_contact_remove",
    ),
]
