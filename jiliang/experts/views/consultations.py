"""The consultation channel's pages: asking, my questions, the expert's inbox, the thread with
its forms by role, and the public questions anyone may read without signing in."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, ListView

from jiliang.core.forms import ConfirmForm, add_service_errors
from jiliang.core.views import ScopedActionView, ScopedListView
from jiliang.experts.choices import ConsultationState
from jiliang.experts.forms.consultations import (
    AcceptForm,
    AskForm,
    FieldFilterForm,
    ReassignForm,
    ReplyForm,
)
from jiliang.experts.models import Consultation
from jiliang.experts.selectors import consultations as selectors
from jiliang.experts.selectors import knowledge as knowledge_selectors
from jiliang.experts.services import consultations as services
from jiliang.needs.views.fieldwork import BadRequestOnInvalid


def _may_reply(user, consultation) -> bool:
    if consultation.state not in services.ANSWERABLE_STATES or not user.is_authenticated:
        return False
    if consultation.asker_id == user.pk:
        return consultation.answered_at is not None
    return services.answering_expert(user, consultation) is not None


def _may_accept(user, consultation) -> bool:
    return (
        consultation.asker_id == user.pk
        and consultation.answered_at is not None
        and consultation.state != ConsultationState.CLOSED
    )


def _may_close(user, consultation) -> bool:
    return consultation.asker_id == user.pk and consultation.state != ConsultationState.CLOSED


def _may_reassign(user, consultation) -> bool:
    return (
        user.is_authenticated
        and consultation.state != ConsultationState.CLOSED
        and services.may_reassign(user, consultation)
    )


# Lists ------------------------------------------------------------------------------------------


class MyQuestionsView(ScopedListView):
    model = Consultation
    template_name = "experts/consultations/list.html"

    def get_queryset(self):
        return selectors.my_questions(user=self.request.user)


class InboxView(ScopedListView):
    model = Consultation
    template_name = "experts/consultations/inbox.html"

    def get_queryset(self):
        return selectors.inbox(user=self.request.user)


class PublicListView(ListView):
    """The public questions, for everyone: no sign-in."""

    template_name = "experts/consultations/public_list.html"
    paginate_by = 25

    def get_queryset(self):
        self.filter_form = FieldFilterForm(self.request.GET)
        field = self.filter_form.cleaned_data["field"] if self.filter_form.is_valid() else None
        return selectors.public_questions(field=field)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter_form=self.filter_form, query_string=query.urlencode(), **kwargs
        )


# Asking -----------------------------------------------------------------------------------------


class AskView(LoginRequiredMixin, BadRequestOnInvalid, FormView):
    form_class = AskForm
    template_name = "experts/consultations/ask.html"

    def form_valid(self, form):
        try:
            consultation = services.consultation_ask(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return redirect(consultation.get_absolute_url())


# The thread -------------------------------------------------------------------------------------


class ThreadView(DetailView):
    """A public question for everyone; a private one for those who see it. Anyone not signed
    in is sent to sign in for anything but a public question."""

    template_name = "experts/consultations/detail.html"
    context_object_name = "consultation"

    def get_queryset(self):
        return selectors.readable(self.request.user).select_related(*selectors.LIST_PARTS)

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise

    def get_context_data(self, **kwargs):
        consultation, user = self.object, self.request.user
        accepting = _may_accept(user, consultation)
        return super().get_context_data(
            replies=selectors.thread(consultation),
            is_asker=consultation.asker_id == user.pk,
            reply_form=ReplyForm() if _may_reply(user, consultation) else None,
            accept_form=AcceptForm(consultation=consultation) if accepting else None,
            reassign_form=ReassignForm(consultation=consultation)
            if _may_reassign(user, consultation)
            else None,
            can_close=_may_close(user, consultation),
            can_collect=knowledge_selectors.answers_to_collect(user=user)
            .filter(pk=consultation.pk)
            .exists(),
            **kwargs,
        )


class ThreadActionView(BadRequestOnInvalid, ScopedActionView):
    """A form on the thread: the consultation must be visible (404); who may act is decided by
    ``allowed`` (403), not by the asker-only ``editable_by``."""

    model = Consultation
    template_name = "experts/consultations/action.html"
    refusal = gettext_lazy("You may not do this.")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        if not self.allowed(request.user, self.object):
            raise PermissionDenied(self.refusal)
        return FormView.dispatch(self, request, *args, **kwargs)

    def allowed(self, user, consultation) -> bool:
        raise NotImplementedError


class ReplyView(ThreadActionView):
    form_class = ReplyForm
    refusal = gettext_lazy(
        "Only the expert the question is assigned to, or its escalated group, answers."
    )
    success_message = gettext_lazy("Your reply was added.")

    def allowed(self, user, consultation):
        return (
            consultation.asker_id == user.pk
            or services.answering_expert(user, consultation) is not None
        )

    def perform(self, form):
        return services.consultation_reply(
            actor=self.request.user, consultation=self.object, **form.cleaned_data
        )


class AcceptView(ThreadActionView):
    form_class = AcceptForm
    refusal = gettext_lazy("Only the person who asked may do this.")
    success_message = gettext_lazy("Thank you: the answer was accepted.")

    def allowed(self, user, consultation):
        return consultation.asker_id == user.pk

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consultation": self.object}

    def perform(self, form):
        return services.consultation_accept(
            actor=self.request.user, consultation=self.object, **form.cleaned_data
        )


class ReassignView(ThreadActionView):
    form_class = ReassignForm
    refusal = gettext_lazy("Only the assigned expert, the escalated group or the bureau reassigns.")
    success_message = gettext_lazy("The question went to another expert.")

    def allowed(self, user, consultation):
        return services.may_reassign(user, consultation)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consultation": self.object}

    def perform(self, form):
        return services.consultation_reassign(
            actor=self.request.user, consultation=self.object, **form.cleaned_data
        )


class CloseView(ThreadActionView):
    form_class = ConfirmForm
    refusal = gettext_lazy("Only the person who asked may do this.")
    success_message = gettext_lazy("The consultation was closed.")

    def allowed(self, user, consultation):
        return consultation.asker_id == user.pk

    def perform(self, form):
        return services.consultation_close(actor=self.request.user, consultation=self.object)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            intro=_("Close the consultation? Nothing more can be answered in it."), **kwargs
        )
