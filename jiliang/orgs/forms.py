from django import forms
from django.utils.translation import gettext_lazy as _

from jiliang.accounts.forms import PASSWORD_MAX_LENGTH
from jiliang.orgs.choices import OrganisationKind, Role
from jiliang.orgs.models import Organisation
from jiliang.orgs.selectors import SYSTEM
from jiliang.orgs.services import ORGANISATION_SELF_SERVICE_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *OrganisationKind.choices]
    )


class AuditEventFilterForm(forms.Form):
    group = forms.ChoiceField(label=_("Kind of event"), required=False)
    operator = forms.ChoiceField(label=_("Operator"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    until = forms.DateField(label=_("Until"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, groups, operators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("All events")), *groups]
        self.fields["operator"].choices = [
            ("", _("Everyone")),
            (SYSTEM, _("System")),
            *((str(user.pk), str(user)) for user in operators),
        ]


class OrganisationProfileForm(forms.ModelForm):
    """What an organisation's administrators maintain themselves."""

    class Meta:
        model = Organisation
        fields = ORGANISATION_SELF_SERVICE_FIELDS


class MembershipAddForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    full_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Only for a person without an account yet."),
    )


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
