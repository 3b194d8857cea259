"""Forms of the questionnaire builder: they check the shape of the input, the services decide."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from jiliang.needs.choices import QuestionKind
from jiliang.needs.logic import OPERATORS
from jiliang.needs.models.questionnaires import DEFAULT_REMINDER_DAYS, MAX_REMINDER_DAYS
from jiliang.orgs.models import Organisation

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
OPERATOR_LABELS = {
    "equals": _("is"),
    "not_equals": _("is not"),
    "selected": _("includes"),
    "not_selected": _("does not include"),
    "gt": _("is more than"),
    "gte": _("is at least"),
    "lt": _("is less than"),
    "lte": _("is at most"),
    "answered": _("is answered"),
}


class QuestionnaireForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    opens_on = forms.DateField(label=_("Opens on"), required=False, widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), required=False, widget=DATE)
    reminder_days = forms.IntegerField(
        label=_("Automatic reminder, days before closing"),
        help_text=_("The enterprises that have not submitted are reminded then; 0: never."),
        min_value=0,
        max_value=MAX_REMINDER_DAYS,
        initial=DEFAULT_REMINDER_DAYS,
        required=False,
    )

    def clean_reminder_days(self):
        days = self.cleaned_data["reminder_days"]
        return DEFAULT_REMINDER_DAYS if days is None else days

    def clean(self):
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("The close date is before the open date."))
        return data


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class OwnerMixin(forms.Form):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Organisation.objects.none())

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        if owners.count() == 1:
            self.fields["owner"].initial = owners.first().pk


class QuestionnaireCreateForm(OwnerMixin, QuestionnaireForm):
    start = forms.ChoiceField(
        label=_("Start from"),
        choices=[
            ("blank", _("An empty questionnaire")),
            ("template", _("The template: 企业计量需求调研问卷")),
        ],
        initial="blank",
        widget=forms.RadioSelect,
    )
    field_order = ["owner", "start"]  # then the questionnaire's fields, in their order

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Left empty: the template's title.")

    def clean(self):
        data = super().clean()
        if data.get("start") == "blank" and not data.get("title"):
            self.add_error("title", _("Give the questionnaire a title."))
        return data


class ImportForm(OwnerMixin, forms.Form):
    file = forms.FileField(
        label=_("XLSForm file"),
        help_text=_("An .xlsx with the survey and choices sheets, as KoboToolbox and ODK use."),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return file


class CopyForm(OwnerMixin, forms.Form):
    title = forms.CharField(label=_("Title of the copy"), max_length=200, required=False)


class ConditionMixin(forms.Form):
    """Skip logic: one comparison with an earlier question, or the JSON of any condition."""

    shown_when_question = forms.ChoiceField(label=_("Show only when"), required=False)
    shown_when_op = forms.ChoiceField(
        label=_("Comparison"), required=False, choices=[("", "—"), *OPERATOR_LABELS.items()]
    )
    shown_when_value = forms.CharField(label=_("Value"), max_length=64, required=False)
    relevant = forms.CharField(
        label=_("Or a condition as JSON"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "font-monospace"}),
        help_text=_('For example {"all": [{"question": "q1", "op": "equals", "value": "yes"}]}'),
    )

    def __init__(self, *args, earlier=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shown_when_question"].choices = [
            ("", _("always shown")),
            *((question.name, f"{question.name} · {question.label[:40]}") for question in earlier),
        ]

    def clean_relevant(self):
        text = self.cleaned_data["relevant"].strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("This is not JSON.")) from None

    def clean(self):
        data = super().clean()
        question, op = data.get("shown_when_question"), data.get("shown_when_op")
        if question and not data.get("relevant"):
            if op not in OPERATORS:
                self.add_error("shown_when_op", _("Choose a comparison."))
                return data
            condition = {"question": question, "op": op}
            if op != "answered":
                condition["value"] = data.get("shown_when_value", "")
            data["relevant"] = condition
        return data

    @staticmethod
    def condition_initial(condition) -> dict:
        simple = condition and "question" in condition
        if not simple:
            return {"relevant": json.dumps(condition, ensure_ascii=False) if condition else ""}
        return {
            "shown_when_question": condition["question"],
            "shown_when_op": condition["op"],
            "shown_when_value": condition.get("value", ""),
        }


class SectionForm(ConditionMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    name = forms.SlugField(
        label=_("Name"), max_length=64, required=False, help_text=_("Left empty: numbered.")
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    field_order = ["title", "name", "description"]


class OptionsField(forms.CharField):
    """Options one per line, ``value|label`` or only a label (then numbered)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value):
        lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
        options = []
        for number, line in enumerate(lines, 1):
            value, _bar, label = line.partition("|")
            options.append(
                {"value": value.strip(), "label": label.strip()}
                if label
                else {"value": str(number), "label": line}
            )
        return options

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{option['value']}|{option['label']}" for option in value)
        return value

    def validate(self, value):
        return None


class QuestionForm(ConditionMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=QuestionKind.choices)
    label = forms.CharField(label=_("Question"), max_length=500)
    name = forms.SlugField(
        label=_("Name"),
        max_length=64,
        required=False,
        help_text=_("Letters, digits and _; skip logic and exports use it. Left empty: numbered."),
    )
    hint = forms.CharField(label=_("Hint"), max_length=500, required=False)
    required = forms.BooleanField(label=_("Required"), required=False)
    choices = OptionsField(
        label=_("Choices (or the matrix's scale)"),
        required=False,
        help_text=_("One per line: value|label, or only the label."),
    )
    rows = OptionsField(label=_("Matrix rows"), required=False)
    allows_other = forms.BooleanField(label=_("Offer “other, please specify”"), required=False)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    minimum = forms.DecimalField(label=_("Minimum"), required=False, max_digits=16)
    maximum = forms.DecimalField(label=_("Maximum"), required=False, max_digits=16)
    profile_field = forms.ChoiceField(label=_("Updates the enterprise profile"), required=False)
    field_order = ["kind", "label", "name", "hint", "required", "choices", "rows"]

    def __init__(self, *args, profile_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile_field"].choices = [("", "—"), *profile_fields]
