import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from jiliang.notifications.models import (
    MAX_OFFSET,
    MAX_OFFSETS,
    DepartmentContact,
    NotificationPreference,
    ReminderPolicy,
    validate_offsets,
)

# Commas (also the Chinese ones), enumeration commas, semicolons and spaces separate the days.
OFFSET_SEPARATORS = re.compile(r"[\s,，、;；]+")
WHOLE_NUMBER = re.compile(r"[+-]?\d{1,6}")


def model_field(model, name, **kwargs):
    """The form field of a model field, with its label and help text."""
    return model._meta.get_field(name).formfield(**kwargs)


class PreferenceForm(forms.Form):
    in_app = model_field(NotificationPreference, "in_app")
    by_email = model_field(NotificationPreference, "by_email")
    mute_reminders = model_field(NotificationPreference, "mute_reminders")


class OffsetsField(forms.CharField):
    """Days before the due date as text, "30, 15, 7, 0", cleaned to [30, 15, 7, 0]."""

    default_error_messages = {
        "required": _("Give at least one number of days; 0 is the due date."),
    }

    def __init__(self, **kwargs):
        super().__init__(max_length=200, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(day) for day in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        days = []
        for item in OFFSET_SEPARATORS.split(text):
            if not item:
                continue
            if not WHOLE_NUMBER.fullmatch(item):
                raise ValidationError(
                    _("“%(value)s” is not a whole number of days."),
                    code="not_a_number",
                    params={"value": item},
                )
            day = int(item)
            if not 0 <= day <= MAX_OFFSET:
                raise ValidationError(
                    _("“%(value)s”: a reminder comes 0 to %(max)d days before the due date."),
                    code="out_of_range",
                    params={"value": item, "max": MAX_OFFSET},
                )
            if day in days:
                raise ValidationError(
                    _("“%(value)s” is given twice."), code="twice", params={"value": item}
                )
            days.append(day)
        if not days:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(days) > MAX_OFFSETS:
            raise ValidationError(
                _("Give at most %(count)d reminders before the due date."),
                code="too_many",
                params={"count": MAX_OFFSETS},
            )
        validate_offsets(days)
        return sorted(days, reverse=True)


class ReminderPolicyForm(forms.Form):
    offsets = OffsetsField(
        label=capfirst(ReminderPolicy._meta.get_field("offsets").verbose_name),
        help_text=_(
            "Whole numbers of days separated by commas, e.g. “30, 15, 7, 0”; 0 is the due date."
        ),
    )
    weekly_when_overdue = model_field(
        ReminderPolicy,
        "weekly_when_overdue",
        help_text=_("Every seven days after the due date, for up to two years."),
    )
    to_custodian = model_field(
        ReminderPolicy,
        "to_custodian",
        help_text=_("The member whose name or user name the ledger gives as the custodian."),
    )
    to_department_contacts = model_field(
        ReminderPolicy,
        "to_department_contacts",
        help_text=_("The members listed below for the instrument's department."),
    )
    to_managers = model_field(ReminderPolicy, "to_managers")

    def __init__(self, *args, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        if disabled:
            for field in self.fields.values():
                field.disabled = True


class DepartmentContactForm(forms.Form):
    department = forms.CharField(
        label=capfirst(DepartmentContact._meta.get_field("department").verbose_name),
        max_length=100,
        widget=forms.TextInput(attrs={"list": "department-names", "autocomplete": "off"}),
    )
    user = forms.ModelChoiceField(
        label=_("Member"), queryset=None, empty_label=_("Choose a member")
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = members
        self.fields["user"].label_from_instance = member_label

    def department_contact(self):
        return {"department": self.cleaned_data["department"], "user": self.cleaned_data["user"]}


def member_label(user) -> str:
    name = user.get_full_name()
    return f"{name} ({user.username})" if name else user.username
