from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from jiliang.core.forms import ConfirmForm, add_service_errors
from jiliang.core.views import ScopedActionView, ScopedListView
from jiliang.notifications import calendar, selectors, services
from jiliang.notifications.forms import DepartmentContactForm, PreferenceForm, ReminderPolicyForm
from jiliang.notifications.models import CalendarFeed, DepartmentContact, Notification
from jiliang.orgs.models import Organisation

PREVIEW_LINES = 5  # an inbox entry shows this many lines of its text, the rest on request
MAX_ID = 2**31 - 1


def local_url(url: str) -> str:
    """``url`` when it stays on this site (a path), else "" (a message never links away)."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return ""


def back_to(request, default: str) -> str:
    url = local_url(request.POST.get("next", ""))
    return url or default


# The inbox ---------------------------------------------------------------------------------------


class InboxView(ScopedListView):
    model = Notification
    template_name = "notifications/inbox.html"

    def get_queryset(self):
        return selectors.inbox(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for notification in context["object_list"]:
            prepare_entry(notification)
        return context


def prepare_entry(notification: Notification) -> Notification:
    """What an inbox entry shows besides the row: its safe link and the first lines."""
    lines = notification.body.splitlines()
    notification.link = local_url(notification.url)
    notification.preview = lines[:PREVIEW_LINES]
    notification.more = lines[PREVIEW_LINES:]
    return notification


class NotificationReadView(LoginRequiredMixin, View):
    """Mark one notification (``pk``) or all the user's notifications as read."""

    http_method_names = ["post"]

    def post(self, request, pk=None):
        notifications = selectors.own_notifications(user=request.user)
        if pk is not None:
            notification = get_object_or_404(notifications, pk=pk)
            notifications = notifications.filter(pk=notification.pk)
        count = services.notifications_mark_read(actor=request.user, notifications=notifications)
        if pk is not None and request.htmx:
            notification.refresh_from_db()
            return render(
                request,
                "notifications/_notification_read.html",
                {"notification": prepare_entry(notification)},
            )
        if pk is None:
            messages.success(
                request,
                _("No unread notifications.")
                if count == 0
                else _("%(count)d notifications marked as read.") % {"count": count},
            )
        return redirect(back_to(request, reverse("notifications:inbox")))


# A user's own settings ---------------------------------------------------------------------------


class PreferencesView(LoginRequiredMixin, FormView):
    """How the user is told, and their private calendar URL."""

    form_class = PreferenceForm
    template_name = "notifications/preferences.html"

    def get_initial(self):
        preference = services.preference_for(self.request.user)
        return {name: getattr(preference, name) for name in PreferenceForm.base_fields}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            calendar_feed=selectors.calendar_feed(user=self.request.user), **kwargs
        )

    def form_valid(self, form):
        try:
            services.preference_update(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your notification settings were saved."))
        return redirect("notifications:preferences")


def calendar_feed_url(token: str) -> str:
    """The full private URL, as calendar programs outside the platform fetch it."""
    return settings.JILIANG_SITE_URL + reverse("notifications:calendar_feed", args=[token])


class CalendarFeedRenewView(PreferencesView):
    """A new private calendar URL, shown once on the settings page; the old one stops working."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        token = services.calendar_feed_renew(actor=request.user)
        url = calendar_feed_url(token)
        return self.render_to_response(
            self.get_context_data(
                form=self.form_class(initial=self.get_initial()),
                new_calendar_url=url,
                new_calendar_webcal="webcal://" + url.split("://", 1)[-1],
            )
        )


class CalendarFeedRevokeView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        services.calendar_feed_revoke(actor=request.user)
        messages.success(request, _("Your calendar URL was revoked: it no longer works."))
        return redirect("notifications:preferences")


class CalendarFeedView(View):
    """The iCalendar feed of a private URL. No session: the token in the URL is the key, looked
    up by its hash; an unknown or revoked token is a 404."""

    http_method_names = ["get", "head"]

    def get(self, request, token):
        feed = (
            CalendarFeed.objects.filter(token_hash=services.hash_calendar_token(token))
            .select_related("user")
            .first()
        )
        if feed is None or not feed.user.is_active:
            raise Http404
        content = calendar.due_date_feed(user=feed.user, today=timezone.localdate())
        response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="jiliang-due-dates.ics"'
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response


# An organisation's reminder settings -------------------------------------------------------------


class ReminderSettingsView(LoginRequiredMixin, TemplateView):
    """One organisation's reminder settings, department contacts and delivery problems.

    ``?organisation=<id>`` chooses among the organisations the user manages (the first when
    left out): 404 outside the user's view, 403 for those the user sees but does not manage;
    changes need the administrator role (403 otherwise)."""

    template_name = "notifications/reminder_settings.html"
    http_method_names = ["get", "head", "post"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organisations = list(selectors.reminder_organisations(user=request.user))
        self.organisation = self.chosen_organisation()
        self.can_edit = self.organisation is not None and selectors.may_change_reminder_settings(
            user=request.user, organisation=self.organisation
        )
        if request.method == "POST" and not self.can_edit:
            if self.organisation is None:
                raise Http404
            raise PermissionDenied(_("Only the organisation's administrators change this."))
        return super().dispatch(request, *args, **kwargs)

    def chosen_organisation(self):
        raw = self.request.GET.get("organisation", "")
        if not raw:
            return self.organisations[0] if self.organisations else None
        if not (raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID):
            raise Http404
        organisation = get_object_or_404(
            Organisation.objects.visible_to(self.request.user), pk=int(raw)
        )
        if not selectors.may_see_reminder_settings(
            user=self.request.user, organisation=organisation
        ):
            raise PermissionDenied(
                _("Only the organisation's administrators and staff see its reminder settings.")
            )
        return organisation

    def settings_url(self) -> str:
        return f"{reverse('notifications:reminder_settings')}?organisation={self.organisation.pk}"

    def members(self):
        return selectors.organisation_members(
            user=self.request.user, organisation=self.organisation
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            organisations=self.organisations, organisation=self.organisation, **kwargs
        )
        organisation, user = self.organisation, self.request.user
        if organisation is None:
            return context
        policy = selectors.reminder_policy(organisation=organisation)
        if "policy_form" not in context:
            context["policy_form"] = ReminderPolicyForm(
                initial={name: getattr(policy, name) for name in ReminderPolicyForm.base_fields},
                disabled=not self.can_edit,
            )
        if self.can_edit and "contact_form" not in context:
            context["contact_form"] = DepartmentContactForm(
                prefix="contact", members=self.members()
            )
        return {
            **context,
            "can_edit": self.can_edit,
            "policy": policy,
            "settings_url": self.settings_url(),
            "contacts": selectors.department_contacts(user=user, organisation=organisation),
            "problems": selectors.reminder_problems(user=user, organisation=organisation),
            "undelivered_emails": selectors.undelivered_emails(
                user=user, organisation=organisation
            ),
            "reminder_counts": selectors.reminder_counts(user=user, organisation=organisation),
            "last_run": selectors.last_reminder_run(),
        }

    def post(self, request, *args, **kwargs):
        form = ReminderPolicyForm(request.POST)
        if form.is_valid():
            try:
                services.policy_update(
                    actor=request.user, organisation=self.organisation, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The reminder settings were saved."))
                return redirect(self.settings_url())
        return self.render_to_response(self.get_context_data(policy_form=form))


class DepartmentContactAddView(ReminderSettingsView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = DepartmentContactForm(request.POST, prefix="contact", members=self.members())
        if form.is_valid():
            try:
                services.department_contact_add(
                    actor=request.user, organisation=self.organisation, **form.department_contact()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The department contact was added."))
                return redirect(self.settings_url())
        return self.render_to_response(self.get_context_data(contact_form=form))


class DepartmentContactRemoveView(ScopedActionView):
    model = DepartmentContact
    form_class = ConfirmForm
    template_name = "notifications/department_contact_remove.html"
    success_message = gettext_lazy("The department contact was removed.")

    def get_queryset(self):
        return super().get_queryset().select_related("organisation", "user")

    def perform(self, form):
        return services.department_contact_remove(actor=self.request.user, contact=self.object)

    def get_success_url(self, result=None):
        return (
            f"{reverse('notifications:reminder_settings')}"
            f"?organisation={self.object.organisation_id}"
        )
