"""Forms of problems and joint projects: they validate only; the services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jiliang.experts.choices import (
    CaseConsent,
    MetrologyField,
    ProblemCategory,
    ProblemState,
    Urgency,
)
from jiliang.experts.models import Expert, ExpertGroup, Problem
from jiliang.experts.services.problems import MAX_TARGET_WORKDAYS
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.models import Organisation

ANY = [("", _("All"))]


class DateInput(forms.DateInput):
    input_type = "date"


def _text(label, rows=4, required=True, max_length=20000):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ProblemFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=ANY + ProblemState.choices, required=False)
    overdue = forms.BooleanField(label=_("Overdue"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    field = forms.ChoiceField(
        label=_("Field"), choices=ANY + MetrologyField.choices, required=False
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=ANY + ProblemCategory.choices, required=False
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=ANY + Urgency.choices, required=False)
    text = forms.CharField(label=_("Text"), max_length=100, required=False)
    enterprise = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = {name: value for name, value in self.cleaned_data.items() if value}
        if "mine" in data:
            data["assigned_to_me"] = data.pop("mine")
        return data


class ProblemForm(forms.Form):
    """Stating a problem; the bureau recording one names the enterprise by its USCC."""

    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=ProblemCategory.choices)
    field = forms.ChoiceField(label=_("Field"), choices=MetrologyField.choices)
    description = _text(_("Description"), rows=5)
    tried = _text(_("What has been tried"), rows=3, required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    document = forms.FileField(
        label=_("Attachment"), required=False, help_text=_("A PDF, PNG or JPEG file of 10 MB.")
    )

    def __init__(self, *args, enterprises=None, by_code=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["enterprise"]
        field.queryset = enterprises if enterprises is not None else Organisation.objects.none()
        if by_code:
            field.to_field_name = "uscc"
            field.widget = forms.TextInput()
            field.help_text = _("The enterprise's unified social credit code.")
        elif enterprises is not None and enterprises.count() == 1:
            field.initial = enterprises.first()


class FromNeedForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=ProblemCategory.choices)
    field = forms.ChoiceField(label=_("Field"), choices=MetrologyField.choices)
    description = _text(_("Description"), rows=5)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)


class AssignForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("Expert group"),
        queryset=ExpertGroup.objects.filter(is_active=True),
        required=False,
    )
    expert = forms.ModelChoiceField(
        label=_("Expert"),
        queryset=Expert.objects.filter(user__is_active=True).select_related("user"),
        required=False,
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.INSTITUTION, is_active=True),
        required=False,
        help_text=_("A metrology institution or an industry metrology centre."),
    )
    target_workdays = forms.IntegerField(
        label=_("Target (working days)"), min_value=1, max_value=MAX_TARGET_WORKDAYS, initial=10
    )
    assignment_reason = _text(
        _("Reason for the assignment"), rows=2, required=False, max_length=2000
    )
    assignment_reason.help_text = _(
        "Needed when the assignee is outside your region or the problem's field."
    )


class StartForm(forms.Form):
    """Nothing to fill in: the assignee only says they start."""


class ProposeForm(forms.Form):
    solution = _text(_("Proposed solution"), rows=6)


class ConfirmForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
        help_text=_("5 is best."),
    )
    comment = _text(_("Comment on the solution"), rows=3, required=False, max_length=5000)
    case_consent = forms.ChoiceField(
        label=_("Publication as a typical case"),
        choices=CaseConsent.choices,
        initial=CaseConsent.NO,
    )


class UnsolvableForm(forms.Form):
    reason = _text(_("Why it cannot be solved"), rows=3, max_length=5000)


class ReopenForm(forms.Form):
    note = _text(_("Why reopen"), rows=3, max_length=5000)


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("A PDF, PNG or JPEG file of 10 MB."))
    name = forms.CharField(label=_("Name"), max_length=200, required=False)


# Joint projects ---------------------------------------------------------------------------------


class ProjectForm(forms.Form):
    bureau = forms.ModelChoiceField(label=_("Bureau"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    goal = _text(_("Goal"), rows=4)
    started_on = forms.DateField(label=_("Started on"), widget=DateInput)
    problems = forms.ModelMultipleChoiceField(
        label=_("Problems"), queryset=Problem.objects.none(), required=False
    )
    institutions = forms.ModelMultipleChoiceField(
        label=_("Institutions"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.INSTITUTION, is_active=True),
        required=False,
    )
    experts = forms.ModelMultipleChoiceField(
        label=_("Experts"),
        queryset=Expert.objects.filter(user__is_active=True).select_related("user"),
        required=False,
    )

    def __init__(self, *args, bureaus, problems, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bureau"].queryset = bureaus
        if bureaus.count() == 1:
            self.fields["bureau"].initial = bureaus.first()
        self.fields["problems"].queryset = problems


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput)
    note = _text(_("Note"), rows=2, required=False, max_length=2000)


class FinishForm(forms.Form):
    outcome = _text(_("Outcome"), rows=4, max_length=10000)
    abandon = forms.BooleanField(label=_("Abandon the project"), required=False)
