"""Forms of the fieldwork part: a team, a visit with the needs raised, a need, its status and
the order meeting it. They validate only; the services write."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiliang.needs.choices import NeedStatus, NeedTopic, NeedUrgency
from jiliang.needs.models import Need, ServiceTeam, Visit
from jiliang.needs.selectors.fieldwork import candidate_named
from jiliang.orders.models import Order
from jiliang.orgs.choices import OrganisationKind, RegionLevel
from jiliang.orgs.models import Organisation, Region

SEPARATORS = re.compile(r"[\s,，;；、]+")


def _words(text: str) -> list[str]:
    return [word for word in SEPARATORS.split(text) if word]


class DateInput(forms.DateInput):
    input_type = "date"


class TeamForm(forms.Form):
    bureau = forms.ModelChoiceField(label=_("Bureau"), queryset=Organisation.objects.none())
    name = forms.CharField(label=_("Name"), max_length=200)
    formed_on = forms.DateField(label=_("Formed on"), widget=DateInput)
    leader = forms.CharField(
        label=_("Leader"), max_length=150, help_text=_("The leader's username or name.")
    )
    members = forms.CharField(
        label=_("Members"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Usernames or names of institution staff and experts, separated by spaces or commas."
        ),
    )
    enterprises = forms.CharField(
        label=_("Assigned enterprises"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Unified social credit codes of enterprises of your region, one per line."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, bureaus, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if bureaus is None:
            del self.fields["bureau"]  # editing: the team stays with its bureau
        else:
            self.fields["bureau"].queryset = bureaus
            if bureaus.count() == 1:
                self.fields["bureau"].initial = bureaus.first()

    def clean_leader(self):
        return candidate_named(self.cleaned_data["leader"])

    def clean_members(self):
        return [candidate_named(word) for word in _words(self.cleaned_data["members"])]

    def clean_enterprises(self):
        codes = [word.upper() for word in _words(self.cleaned_data["enterprises"])]
        found = {
            enterprise.uscc: enterprise
            for enterprise in Organisation.objects.visible_to(self.user).filter(
                kind=OrganisationKind.ENTERPRISE, uscc__in=codes
            )
        }
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise forms.ValidationError(
                gettext("No enterprise of your region has the code %(codes)s.")
                % {"codes": ", ".join(unknown)}
            )
        return list(dict.fromkeys(found[code] for code in codes))


def team_initial(team) -> dict:
    return {
        "name": team.name,
        "formed_on": team.formed_on,
        "description": team.description,
        "leader": team.leader.username,
        "members": " ".join(m.user.username for m in team.members.select_related("user")),
        "enterprises": "\n".join(
            a.enterprise.uscc for a in team.assignments.select_related("enterprise")
        ),
    }


class VisitForm(forms.ModelForm):
    """What a member records in the field; the enterprises and people are the team's."""

    class Meta:
        model = Visit
        fields = [
            "visited_on",
            "enterprise",
            "members_present",
            "findings",
            "services_given",
            "service_person_times",
            "materials_handed_out",
        ]
        widgets = {
            "visited_on": DateInput,
            "members_present": forms.CheckboxSelectMultiple,
            "findings": forms.Textarea(attrs={"rows": 3}),
            "services_given": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Organisation.objects.filter(
            team_assignments__team=team
        ).order_by("name")
        self.fields["members_present"].queryset = (
            get_user_model().objects.filter(service_team_memberships__team=team).order_by("pk")
        )
        self.fields["members_present"].label_from_instance = lambda user: (
            user.get_full_name() or user.username
        )
        self.fields["visited_on"].initial = timezone.localdate()
        for name in ("service_person_times", "materials_handed_out"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"

    def _post_clean(self):
        """The service checks the visit (its team is not the form's to set)."""

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        return {
            "enterprise": data.pop("enterprise"),
            "members_present": list(data.pop("members_present")),
            "data": data,
        }


class NeedForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = ["topic", "description", "urgency"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class RaisedNeedForm(NeedForm):
    """A need raised in a visit: a blank one is left out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].required = False
        self.fields["topic"].choices = [("", "—"), *self.fields["topic"].choices[1:]]
        self.fields["description"].required = False

    def clean(self):
        data = super().clean()
        if data.get("description") and not data.get("topic"):
            self.add_error("topic", gettext("Choose the need's topic."))
        if data.get("topic") and not data.get("description"):
            self.add_error("description", gettext("Describe the need."))
        return data


RaisedNeedFormSet = forms.formset_factory(RaisedNeedForm, extra=1, max_num=20, validate_max=True)


def raised_needs(formset) -> list[dict]:
    return [
        {name: form.cleaned_data[name] for name in ("topic", "description", "urgency")}
        for form in formset
        if form.cleaned_data.get("description")
    ]


class EnterpriseNeedForm(NeedForm):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Organisation.objects.none())

    class Meta(NeedForm.Meta):
        fields = ["enterprise", *NeedForm.Meta.fields]

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        if enterprises.count() == 1:
            self.fields["enterprise"].initial = enterprises.first()

    def _post_clean(self):
        """The service checks the need."""


class NeedStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in NeedStatus if s != NeedStatus.OPEN],
    )
    resolution = forms.CharField(
        label=_("Resolution"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How the need was met."),
    )


class NeedOrderForm(forms.Form):
    order = forms.ModelChoiceField(label=_("Order"), queryset=Order.objects.none())

    def __init__(self, *args, orders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = orders
        self.fields["order"].label_from_instance = lambda order: (
            f"{order.number} · {order.get_kind_display()} · {order.get_status_display()}"
        )


ANY = [("", _("Any"))]


class NeedFilterForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=ANY + NeedTopic.choices)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=ANY + NeedStatus.choices)
    urgency = forms.ChoiceField(
        label=_("Urgency"), required=False, choices=ANY + NeedUrgency.choices
    )
    region = forms.ModelChoiceField(label=_("Region"), required=False, queryset=None)
    team = forms.ModelChoiceField(label=_("Service team"), required=False, queryset=None)
    open = forms.BooleanField(label=_("Open needs only"), required=False)
    enterprise = forms.ModelChoiceField(required=False, queryset=None, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.visible_to(user).exclude(level=RegionLevel.COUNTY)
        self.fields["region"].queryset = regions.order_by("path")
        self.fields["enterprise"].queryset = Organisation.objects.visible_to(user).filter(
            kind=OrganisationKind.ENTERPRISE
        )
        self.fields["team"].queryset = ServiceTeam.objects.visible_to(user)
        if not self.fields["team"].queryset.exists():
            del self.fields["team"]

    def filters(self) -> dict:
        """The valid part of the query; invalid fields are ignored."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
