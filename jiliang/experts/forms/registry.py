"""Forms of the expert registry: the list's filters, an expert's profile and fields, their
availability, and an expert group. They validate only; the services write."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiliang.experts.choices import GroupKind, MetrologyField
from jiliang.experts.selectors.registry import expert_named, expert_regions, region_by_code

ANY = [("", _("Any"))]
SEPARATORS = re.compile(r"[\s,，;；、]+")


class DateInput(forms.DateInput):
    input_type = "date"


class ExpertFilterForm(forms.Form):
    text = forms.CharField(label=_("Search"), required=False, max_length=100)
    field = forms.ChoiceField(
        label=_("Field"), required=False, choices=ANY + MetrologyField.choices
    )
    region = forms.ModelChoiceField(label=_("Region"), required=False, queryset=None)
    available = forms.BooleanField(label=_("Available now"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = expert_regions()

    def filters(self) -> dict:
        """The valid part of the query; invalid fields are ignored."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}


class ExpertForm(forms.Form):
    """The profile and, per field of metrology, whether the expert knows it and the finer
    specialties (a field with specialties typed counts as known)."""

    username = forms.CharField(
        label=_("Username"), max_length=150, help_text=_("The expert's account on the platform.")
    )
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    region = forms.CharField(
        label=_("Region code"),
        required=False,
        max_length=12,
        help_text=_("GB/T 2260 code of the region the expert serves; empty: the organisation's."),
    )
    title = forms.CharField(label=_("Professional title"), max_length=100)
    committees = forms.CharField(
        label=_("Technical committees"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One committee per line."),
    )
    biography = forms.CharField(
        label=_("Biography"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organisations, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if editing:
            del self.fields["username"]  # the account stays the expert's
        for code, label in MetrologyField.choices:
            self.fields[f"knows_{code}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"specialties_{code}"] = forms.CharField(
                label=gettext("Specialties in %(field)s") % {"field": label},
                required=False,
                max_length=300,
            )

    def profile_fields(self):
        return [
            self[name] for name in self.fields if not name.startswith(("knows_", "specialties_"))
        ]

    def field_rows(self):
        return [
            (self[f"knows_{code}"], self[f"specialties_{code}"]) for code in MetrologyField.values
        ]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(
                gettext("No account is named %(name)s.") % {"name": username}
            )
        return user

    def clean_region(self):
        code = self.cleaned_data["region"].strip()
        if not code:
            return None
        try:
            return region_by_code(code)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["region"]) from None

    def clean(self):
        data = super().clean()
        data["fields"] = {
            code: data.get(f"specialties_{code}", "")
            for code in MetrologyField.values
            if data.get(f"knows_{code}") or data.get(f"specialties_{code}")
        }
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        values = {name: data[name] for name in ("organisation", "title", "committees", "biography")}
        values["region"] = data["region"] or data["organisation"].region
        return {"data": values, "fields": data["fields"]}


def expert_initial(expert) -> dict:
    initial = {
        "organisation": expert.organisation_id,
        "region": expert.region.code,
        "title": expert.title,
        "committees": expert.committees,
        "biography": expert.biography,
    }
    for row in expert.fields.all():
        initial[f"knows_{row.field}"] = True
        initial[f"specialties_{row.field}"] = row.specialties
    return initial


class AvailabilityForm(forms.Form):
    is_available = forms.BooleanField(label=_("I take questions now"), required=False)
    unavailable_until = forms.DateField(
        label=_("Unavailable until"),
        required=False,
        widget=DateInput,
        help_text=_("When unavailable: the last day away (empty: until further notice)."),
    )


class GroupForm(forms.Form):
    bureau = forms.ModelChoiceField(label=_("Bureau"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=GroupKind.choices)
    fields = forms.MultipleChoiceField(
        label=_("Fields"),
        required=False,
        choices=MetrologyField.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: the group covers every field."),
    )
    members = forms.CharField(
        label=_("Members"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Usernames or names of registered experts, separated by spaces or commas."),
    )
    leader = forms.CharField(
        label=_("Leader"),
        required=False,
        max_length=150,
        help_text=_("The username or name of one of the members."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, bureaus, **kwargs):
        super().__init__(*args, **kwargs)
        if bureaus is None:
            del self.fields["bureau"]  # editing: the group stays with its bureau
        else:
            del self.fields["is_active"]  # a group is formed active
            self.fields["bureau"].queryset = bureaus
            if bureaus.count() == 1:
                self.fields["bureau"].initial = bureaus.first()

    def clean_members(self):
        words = [word for word in SEPARATORS.split(self.cleaned_data["members"]) if word]
        return list(dict.fromkeys(expert_named(word) for word in words))

    def clean_leader(self):
        word = self.cleaned_data["leader"].strip()
        return expert_named(word) if word else None

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        return {"members": data.pop("members"), "data": data}


def group_initial(group) -> dict:
    return {
        "name": group.name,
        "kind": group.kind,
        "fields": group.fields,
        "description": group.description,
        "is_active": group.is_active,
        "leader": group.leader.user.username if group.leader else "",
        "members": " ".join(expert.user.username for expert in group.members.all()),
    }
