"""Service teams and their visits: the bureau forms and edits teams, a member records a visit
from the field (with the needs raised), members and the bureau correct it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from jiliang.core.forms import ConfirmForm, add_service_errors
from jiliang.core.views import ScopedActionView, ScopedDetailView, ScopedListView
from jiliang.needs.choices import NeedUrgency
from jiliang.needs.forms.fieldwork import (
    RaisedNeedFormSet,
    TeamForm,
    VisitForm,
    raised_needs,
    team_initial,
)
from jiliang.needs.models import ServiceTeam, Visit
from jiliang.needs.selectors import fieldwork as selectors
from jiliang.needs.services import fieldwork as services


def team_url(team) -> str:
    return reverse("fieldwork:team_detail", args=[team.pk])


def visit_url(visit) -> str:
    return reverse("fieldwork:visit_detail", args=[visit.pk])


def _can_record(user, team) -> bool:
    try:
        services.require_team_writer(user, team)
    except (PermissionDenied, Http404):
        return False
    return team.is_active


class BadRequestOnInvalid:
    def form_invalid(self, form, **kwargs):
        response = super().form_invalid(form, **kwargs)
        response.status_code = 400
        return response


# Teams ------------------------------------------------------------------------------------------


class TeamListView(ScopedListView):
    model = ServiceTeam
    template_name = "needs/fieldwork/team_list.html"

    def get_queryset(self):
        return selectors.team_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_form=selectors.team_bureaus(user=self.request.user).exists(), **kwargs
        )


class TeamDetailView(ScopedDetailView):
    model = ServiceTeam
    template_name = "needs/fieldwork/team_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("bureau__region", "leader")

    def get_context_data(self, **kwargs):
        team, user = self.object, self.request.user
        return super().get_context_data(
            members=team.members.select_related("user", "organisation").order_by("pk"),
            enterprises=selectors.team_enterprises(team=team),
            visits=selectors.visit_list(user=user, team=team)[:50],
            can_edit=ServiceTeam.objects.editable_by(user).filter(pk=team.pk).exists(),
            can_record=_can_record(user, team),
            **kwargs,
        )


class TeamCreateView(LoginRequiredMixin, BadRequestOnInvalid, FormView):
    form_class = TeamForm
    template_name = "needs/fieldwork/team_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.bureaus = selectors.team_bureaus(user=request.user)
            if not self.bureaus.exists():
                raise PermissionDenied(_("Only a bureau's administrators and staff form teams."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "bureaus": self.bureaus}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            team = services.team_create(
                actor=self.request.user,
                bureau=data["bureau"],
                name=data["name"],
                formed_on=data["formed_on"],
                leader=data["leader"],
                members=data["members"],
                enterprises=data["enterprises"],
                description=data["description"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return redirect(team_url(team))


class TeamUpdateView(BadRequestOnInvalid, ScopedActionView):
    model = ServiceTeam
    form_class = TeamForm
    template_name = "needs/fieldwork/team_form.html"
    success_message = gettext_lazy("The team was saved.")

    def get_initial(self):
        return team_initial(self.object)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "bureaus": None}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.team_update(
            actor=self.request.user,
            team=self.object,
            leader=data.pop("leader"),
            members=data.pop("members"),
            enterprises=data.pop("enterprises"),
            data=data,
        )

    def get_success_url(self, result=None):
        return team_url(self.object)


class TeamDeactivateView(ScopedActionView):
    model = ServiceTeam
    form_class = ConfirmForm
    template_name = "needs/fieldwork/team_deactivate.html"
    success_message = gettext_lazy("The team was deactivated.")

    def perform(self, form):
        return services.team_deactivate(actor=self.request.user, team=self.object)

    def get_success_url(self, result=None):
        return team_url(self.object)


# Visits -----------------------------------------------------------------------------------------


class VisitFormMixin:
    """The visit form and, when recording, the needs raised (one more block on "add a need")."""

    template_name = "needs/fieldwork/visit_form.html"
    with_needs = False

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "team": self.team}

    def get_context_data(self, **kwargs):
        if self.with_needs and "needs" not in kwargs:
            kwargs["needs"] = RaisedNeedFormSet(prefix="needs")
        return super().get_context_data(team=self.team, **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        needs = None
        if self.with_needs:
            data = request.POST.copy()
            if "add_need" in data:  # one more block, nothing checked nor saved yet
                return self.render_to_response(
                    self.get_context_data(form=self.typed_form(data), needs=more_needs(data))
                )
            needs = RaisedNeedFormSet(request.POST, prefix="needs")
        if form.is_valid() and (needs is None or needs.is_valid()):
            return self.record(form, needs)
        response = self.render_to_response(self.get_context_data(form=form, needs=needs))
        response.status_code = 400
        return response

    def typed_form(self, data):
        """The visit form showing what was typed, unchecked."""
        kwargs = self.get_form_kwargs()
        kwargs.pop("data")
        kwargs.pop("files")
        kwargs["initial"] = {
            name: data.getlist(name) if name == "members_present" else data.get(name)
            for name in self.get_form_class().Meta.fields
        }
        return self.get_form_class()(**kwargs)

    def refused(self, form, needs, error):
        add_service_errors(form, error)
        response = self.render_to_response(self.get_context_data(form=form, needs=needs))
        response.status_code = 400
        return response


def more_needs(data):
    """The needs typed so far and one more block (its urgency the usual one)."""
    total = min(int(data.get("needs-TOTAL_FORMS") or 0), 19)
    data["needs-TOTAL_FORMS"] = total + 1
    data[f"needs-{total}-urgency"] = NeedUrgency.NORMAL
    return RaisedNeedFormSet(data, prefix="needs")


class VisitCreateView(LoginRequiredMixin, VisitFormMixin, FormView):
    form_class = VisitForm
    with_needs = True

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.team = get_object_or_404(
                ServiceTeam.objects.visible_to(request.user), pk=kwargs["pk"]
            )
            services.require_team_writer(request.user, self.team)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        enterprise = self.request.GET.get("enterprise", "")
        return {"enterprise": enterprise if enterprise.isdigit() else None}

    def record(self, form, needs):
        values = form.service_data()
        try:
            visit = services.visit_create(
                actor=self.request.user,
                team=self.team,
                enterprise=values["enterprise"],
                members_present=values["members_present"],
                needs=raised_needs(needs),
                **values["data"],
            )
        except ValidationError as error:
            return self.refused(form, needs, error)
        return redirect(visit_url(visit))


class VisitListView(ScopedListView):
    model = Visit
    template_name = "needs/fieldwork/visit_list.html"

    def get_queryset(self):
        return selectors.visit_list(user=self.request.user)


class VisitDetailView(ScopedDetailView):
    model = Visit
    template_name = "needs/fieldwork/visit_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("team__bureau", "enterprise", "recorded_by")

    def get_context_data(self, **kwargs):
        visit = self.object
        return super().get_context_data(
            present=visit.members_present.order_by("pk"),
            needs=visit.needs.all(),
            can_edit=Visit.objects.editable_by(self.request.user).filter(pk=visit.pk).exists(),
            **kwargs,
        )


class VisitUpdateView(VisitFormMixin, ScopedActionView):
    model = Visit
    form_class = VisitForm
    edits_object = True
    success_message = gettext_lazy("The visit was corrected.")

    @property
    def team(self):
        return self.object.team

    def record(self, form, needs):
        values = form.service_data()
        try:
            services.visit_update(actor=self.request.user, visit=self.object, **values)
        except ValidationError as error:
            return self.refused(form, needs, error)
        messages.success(self.request, self.success_message)
        return redirect(visit_url(self.object))
