"""The clock of an order: the on-site visit (the receipt), the pauses of an approval's time
limit, and an institution's time limits."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from jiliang.core.forms import add_service_errors
from jiliang.orders import selectors, services
from jiliang.orders.choices import OrderKind, OrderStatus, Party, ServiceMode
from jiliang.orders.forms import PauseEndForm, PauseStartForm, TimeLimitForm, VisitForm
from jiliang.orders.models import TransitionRefused
from jiliang.orders.views.base import OrderActionView, choose


class PauseStartView(OrderActionView):
    """Stop an approval's clock for expert review or pattern evaluation (行政许可法 §45)."""

    party = Party.INSTITUTION
    form_class = PauseStartForm
    heading = gettext_lazy("Pause the time limit")
    intro = gettext_lazy(
        "Expert review and pattern evaluation do not count against an approval's time limit; "
        "the enterprise is told in writing."
    )
    button = gettext_lazy("Pause")
    success_message = gettext_lazy("The time limit is paused.")

    def possible(self):
        order = self.order
        return (
            order.is_approval
            and order.status in (OrderStatus.ACCEPTED, OrderStatus.IN_SERVICE)
            and selectors.running_pause(user=self.request.user, order=order) is None
        )

    def get_initial(self):
        return {"started": timezone.localdate()}

    def perform(self, form):
        return services.pause_start(actor=self.request.user, order=self.order, **form.cleaned_data)


class PauseEndView(OrderActionView):
    party = Party.INSTITUTION
    form_class = PauseEndForm
    heading = gettext_lazy("Resume the time limit")
    button = gettext_lazy("Resume")
    success_message = gettext_lazy("The time limit runs again.")

    @cached_property
    def running_pause(self):
        return selectors.running_pause(user=self.request.user, order=self.order)

    def possible(self):
        return self.running_pause is not None

    def get_initial(self):
        return {"ended": timezone.localdate()}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "pause": self.running_pause}

    def perform(self, form):
        pause = form.pause
        if pause is None:
            raise TransitionRefused(_("The time limit is not paused."))
        return services.pause_end(
            actor=self.request.user, pause=pause, ended=form.cleaned_data["ended"]
        )


class VisitScheduleView(OrderActionView):
    """The day the institution's staff come to an accepted on-site order; the enterprise is
    told. Recording the visit (ReceiveView) then starts the time limit from that day."""

    party = Party.INSTITUTION
    form_class = VisitForm
    heading = gettext_lazy("Schedule the visit")
    intro = gettext_lazy(
        "The enterprise is told the date. The visit is the receipt: once it is recorded, the "
        "time limit counts from its day."
    )
    button = gettext_lazy("Schedule")
    success_message = gettext_lazy("The visit was scheduled: the enterprise is told.")

    def possible(self):
        order = self.order
        return order.service_mode == ServiceMode.ON_SITE and order.status == OrderStatus.ACCEPTED

    def not_possible(self):
        if self.order.service_mode != ServiceMode.ON_SITE:
            return _("Only an order for on-site service has a visit to schedule.")
        return super().not_possible()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "order": self.order, "today": timezone.localdate()}

    def perform(self, form):
        return services.order_schedule_visit(
            actor=self.request.user, order=self.order, visit_date=form.cleaned_data["visit_date"]
        )


def limit_anchor(kind: str, green_channel: bool) -> str:
    """The id of a time limit's row on its page."""
    return f"limit-{kind}-{'green' if green_channel else 'normal'}"


class InstitutionPolicyView(LoginRequiredMixin, TemplateView):
    """A page of an institution's policy: its administrators change it, its other members read
    it; anyone else gets 404. A member of several institutions chooses one (``institution`` in
    the query, as for the queue)."""

    url_name = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.institutions = list(selectors.queue_institutions(user=request.user))
        self.institution = choose(self.institutions, request.GET.get("institution"))
        if self.institution is None:
            raise Http404
        self.can_edit = services.may_set_time_limits(request.user, self.institution)
        return super().dispatch(request, *args, **kwargs)

    def page_url(self) -> str:
        return f"{reverse(self.url_name)}?institution={self.institution.pk}"


class TimeLimitsView(InstitutionPolicyView):
    """An institution's time limits, per kind, normal and green channel: the platform's
    default and the institution's own."""

    template_name = "orders/time_limits.html"
    url_name = "orders:time_limits"

    def post(self, request, *args, **kwargs):
        if not self.can_edit:
            raise PermissionDenied(_("Only the institution's administrators set its time limits."))
        form = TimeLimitForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.time_limit_set(
                    actor=request.user,
                    institution=self.institution,
                    kind=data["kind"],
                    green_channel=data["green_channel"],
                    working_days=data["working_days"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The time limit was saved."))
                anchor = limit_anchor(data["kind"], data["green_channel"])
                return redirect(f"{self.page_url()}#{anchor}")
        return self.render_to_response(self.get_context_data(posted=form), status=400)

    def get_context_data(self, posted=None, **kwargs):
        rows = []
        kinds = dict(OrderKind.choices)
        for row in selectors.time_limits(institution=self.institution):
            key = (row["kind"], row["green_channel"])
            form = None
            if self.can_edit:
                form = (
                    posted
                    if posted is not None and posted.row_key == key
                    else TimeLimitForm(
                        kind=row["kind"],
                        green_channel=row["green_channel"],
                        initial={
                            "working_days": None if row["is_default"] else row["working_days"]
                        },
                    )
                )
            rows.append(
                {
                    **row,
                    "kind_label": kinds[row["kind"]],
                    "anchor": limit_anchor(*key),
                    "form": form,
                }
            )
        stray = (
            posted if posted is not None and not any(r["form"] is posted for r in rows) else None
        )
        return super().get_context_data(
            institution=self.institution,
            institutions=self.institutions,
            rows=rows,
            can_edit=self.can_edit,
            stray_form=stray,
            page_url=self.page_url(),
            **kwargs,
        )
