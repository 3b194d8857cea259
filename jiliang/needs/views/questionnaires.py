"""The questionnaire builder: the owner's list, a new questionnaire (empty, from the template or
from an XLSForm), the builder page with its sections and questions, the preview, the XLSForm
download and copies."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from jiliang.core.forms import ConfirmForm, add_service_errors
from jiliang.core.responses import xlsx_response
from jiliang.core.views import ScopedActionView, ScopedDetailView, ScopedListView
from jiliang.needs.choices import QuestionnaireStatus
from jiliang.needs.forms import questionnaires as forms
from jiliang.needs.models import Question, Questionnaire, Section
from jiliang.needs.selectors import questionnaires as selectors
from jiliang.needs.services import questionnaires as services
from jiliang.needs.xlsform.expressions import write_relevant


def builder_url(questionnaire) -> str:
    return reverse("questionnaires:questionnaire_detail", args=[questionnaire.pk])


class QuestionnaireListView(ScopedListView):
    model = Questionnaire
    template_name = "needs/questionnaires/questionnaire_list.html"

    def get_queryset(self):
        return selectors.questionnaire_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        owners = selectors.questionnaire_owners(user=self.request.user)
        return super().get_context_data(can_create=owners.exists(), **kwargs)


class OwnerFormView(LoginRequiredMixin, FormView):
    """A form that makes a new questionnaire of a bureau or institution the user builds for:
    404 for anyone else."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.owners = selectors.questionnaire_owners(user=request.user)
        if not self.owners.exists():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "owners": self.owners}

    def form_valid(self, form):
        try:
            questionnaire = self.perform(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(builder_url(questionnaire))

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class QuestionnaireCreateView(OwnerFormView):
    form_class = forms.QuestionnaireCreateForm
    template_name = "needs/questionnaires/questionnaire_create.html"
    success_message = gettext_lazy("The questionnaire was created as a draft.")

    def perform(self, data):
        actor, owner = self.request.user, data["owner"]
        if data["start"] == "template":
            questionnaire = services.questionnaire_from_template(actor=actor, owner=owner)
            changes = {
                key: data[key]
                for key in services.QUESTIONNAIRE_FIELDS
                if data.get(key) not in (None, "")
            }
            return services.questionnaire_update(
                actor=actor, questionnaire=questionnaire, data=changes
            )
        fields = {key: data[key] for key in services.QUESTIONNAIRE_FIELDS}
        return services.questionnaire_create(actor=actor, owner=owner, **fields)


class QuestionnaireImportView(OwnerFormView):
    form_class = forms.ImportForm
    template_name = "needs/questionnaires/questionnaire_import.html"
    success_message = gettext_lazy("The XLSForm was imported as a draft.")

    def perform(self, data):
        file = data["file"]
        try:
            return services.questionnaire_import(
                actor=self.request.user,
                owner=data["owner"],
                content=file.read(),
                filename=file.name,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                raise
            raise ValidationError({"file": error.messages}) from None


class QuestionnaireDetailView(ScopedDetailView):
    """The builder: sections and their questions, editable by the owner while a draft."""

    model = Questionnaire
    template_name = "needs/questionnaires/questionnaire_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("owner", "copied_from")

    def get_context_data(self, **kwargs):
        questionnaire = self.object
        editable = Questionnaire.objects.editable_by(self.request.user).filter(pk=questionnaire.pk)
        is_editor = editable.exists()
        return super().get_context_data(
            sections=_with_conditions(selectors.sections_of(questionnaire)),
            is_editor=is_editor,
            can_edit=questionnaire.status == QuestionnaireStatus.DRAFT and is_editor,
            can_copy=selectors.questionnaire_owners(user=self.request.user).exists(),
            **kwargs,
        )


def _with_conditions(sections):
    """Each section and question with its skip logic as an XLSForm expression to show."""
    for section in sections:
        section.condition = write_relevant(section.relevant)
        for question in section.questions.all():
            question.condition = write_relevant(question.relevant)
    return sections


class QuestionnairePreviewView(QuestionnaireDetailView):
    template_name = "needs/questionnaires/questionnaire_preview.html"


class QuestionnaireExportView(LoginRequiredMixin, View):
    def get(self, request, pk):
        content, filename = selectors.xlsform_file(selectors.questionnaire_for(request.user, pk))
        return xlsx_response(content, filename)


class BuilderActionView(ScopedActionView):
    """A change made on the builder; back to the builder after it."""

    template_name = "needs/questionnaires/builder_form.html"
    title = ""
    button = gettext_lazy("Save")

    def questionnaire(self):
        return getattr(self.object, "questionnaire", self.object)

    def editable_object(self):
        return self.questionnaire()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            questionnaire=self.questionnaire(), title=self.title, button=self.button, **kwargs
        )

    def get_success_url(self, result=None):
        return builder_url(self.questionnaire())

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class QuestionnaireEditView(BuilderActionView):
    model = Questionnaire
    form_class = forms.QuestionnaireForm
    title = gettext_lazy("Edit the questionnaire")
    success_message = gettext_lazy("The questionnaire was saved.")

    def get_initial(self):
        return {key: getattr(self.object, key) for key in services.QUESTIONNAIRE_FIELDS}

    def perform(self, form):
        return services.questionnaire_update(
            actor=self.request.user, questionnaire=self.object, data=form.cleaned_data
        )


class QuestionnaireCopyView(OwnerFormView):
    """A copy of a questionnaire the user sees, for an organisation they build for."""

    form_class = forms.CopyForm
    template_name = "needs/questionnaires/builder_form.html"
    success_message = gettext_lazy("The copy was created as a draft.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.source = selectors.questionnaire_for(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        owner = selectors.default_owner(user=self.request.user, preferred=self.source.owner)
        return {"owner": owner.pk if owner else None}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            questionnaire=self.source, title=_("Copy the questionnaire"), button=_("Copy"), **kwargs
        )

    def perform(self, data):
        return services.questionnaire_copy(
            actor=self.request.user,
            questionnaire=self.source,
            owner=data["owner"],
            title=data["title"] or None,
        )


class QuestionnaireDeleteView(BuilderActionView):
    model = Questionnaire
    form_class = ConfirmForm
    title = gettext_lazy("Delete the questionnaire")
    button = gettext_lazy("Delete")
    success_message = gettext_lazy("The questionnaire was deleted.")

    def perform(self, form):
        services.questionnaire_delete(actor=self.request.user, questionnaire=self.object)

    def get_success_url(self, result=None):
        return reverse("questionnaires:questionnaire_list")


# Sections ---------------------------------------------------------------------------------------


def _earlier_questions(questionnaire, before_position=None):
    questions = Question.objects.filter(questionnaire=questionnaire).order_by("position")
    if before_position is not None:
        questions = questions.filter(position__lt=before_position)
    return list(questions)


class SectionAddView(BuilderActionView):
    model = Questionnaire
    form_class = forms.SectionForm
    title = gettext_lazy("New section")
    success_message = gettext_lazy("The section was added.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "earlier": _earlier_questions(self.object)}

    def perform(self, form):
        data = {key: form.cleaned_data[key] for key in services.SECTION_FIELDS}
        return services.section_add(actor=self.request.user, questionnaire=self.object, **data)


class SectionEditView(BuilderActionView):
    model = Section
    form_class = forms.SectionForm
    title = gettext_lazy("Edit the section")
    success_message = gettext_lazy("The section was saved.")

    def get_form_kwargs(self):
        first = self.object.questions.order_by("position").first()
        earlier = _earlier_questions(self.questionnaire(), first.position if first else None)
        return {**super().get_form_kwargs(), "earlier": earlier}

    def get_initial(self):
        section = self.object
        return {
            "title": section.title,
            "name": section.name,
            "description": section.description,
            **forms.ConditionMixin.condition_initial(section.relevant),
        }

    def perform(self, form):
        data = {key: form.cleaned_data[key] for key in services.SECTION_FIELDS}
        data["name"] = data["name"] or self.object.name
        return services.section_update(actor=self.request.user, section=self.object, data=data)


class MoveView(BuilderActionView):
    """One step up or down (the builder's arrows)."""

    form_class = forms.MoveForm

    def form_valid(self, form):
        """A refused move (skip logic would look ahead) is told on the builder itself."""
        try:
            self.perform(form)
        except ValidationError as error:
            for message in error.messages:
                messages.error(self.request, message)
        return redirect(self.get_success_url())

    def new_index(self, siblings, direction) -> int:
        index = [sibling.pk for sibling in siblings].index(self.object.pk)
        return index - 1 if direction == "up" else index + 1


class SectionMoveView(MoveView):
    model = Section

    def perform(self, form):
        siblings = list(self.questionnaire().sections.order_by("position"))
        index = self.new_index(siblings, form.cleaned_data["direction"])
        return services.section_move(actor=self.request.user, section=self.object, index=index)


class SectionDeleteView(BuilderActionView):
    model = Section
    form_class = ConfirmForm
    title = gettext_lazy("Delete the section")
    button = gettext_lazy("Delete")
    success_message = gettext_lazy("The section was deleted with its questions.")

    def perform(self, form):
        services.section_delete(actor=self.request.user, section=self.object)


# Questions --------------------------------------------------------------------------------------


class QuestionFormMixin:
    form_class = forms.QuestionForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "earlier": self.earlier(),
            "profile_fields": selectors.profile_field_choices(),
        }

    def question_data(self, form) -> tuple[dict, list, list]:
        data = {key: form.cleaned_data[key] for key in selectors.QUESTION_FIELDS}
        return data, form.cleaned_data["choices"], form.cleaned_data["rows"]


class QuestionAddView(QuestionFormMixin, BuilderActionView):
    model = Section
    title = gettext_lazy("New question")
    success_message = gettext_lazy("The question was added.")

    def earlier(self):
        return _earlier_questions(self.questionnaire())

    def get_initial(self):
        return {"kind": self.request.GET.get("kind", "single")}

    def perform(self, form):
        data, choices, rows = self.question_data(form)
        return services.question_add(
            actor=self.request.user, section=self.object, choices=choices, rows=rows, **data
        )


class QuestionEditView(QuestionFormMixin, BuilderActionView):
    model = Question
    title = gettext_lazy("Edit the question")
    success_message = gettext_lazy("The question was saved.")

    def earlier(self):
        return _earlier_questions(self.questionnaire(), self.object.position)

    def get_initial(self):
        data = selectors.question_data(self.object)
        return {**data, **forms.ConditionMixin.condition_initial(data["relevant"])}

    def perform(self, form):
        data, choices, rows = self.question_data(form)
        data["name"] = data["name"] or self.object.name
        return services.question_update(
            actor=self.request.user, question=self.object, data=data, choices=choices, rows=rows
        )


class QuestionMoveView(MoveView):
    model = Question

    def perform(self, form):
        siblings = list(self.object.section.questions.order_by("position"))
        index = self.new_index(siblings, form.cleaned_data["direction"])
        return services.question_move(actor=self.request.user, question=self.object, index=index)


class QuestionDeleteView(BuilderActionView):
    model = Question
    form_class = ConfirmForm
    title = gettext_lazy("Delete the question")
    button = gettext_lazy("Delete")
    success_message = gettext_lazy("The question was deleted.")

    def perform(self, form):
        services.question_delete(actor=self.request.user, question=self.object)
