"""The enterprise database's forms: the regulators' search, the profile, self-registration,
a bureau's decision and the import of a list (validation only)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jiliang.accounts.forms import PASSWORD_MAX_LENGTH
from jiliang.orgs import enterprise_filters
from jiliang.orgs.choices import Industry, RegionLevel, SizeClass
from jiliang.orgs.enterprise_import import RegionFinder
from jiliang.orgs.enterprise_models import EnterpriseProfile
from jiliang.orgs.enterprise_selectors import SORTS
from jiliang.orgs.enterprise_services import OVERRIDE_FIELDS, PROFILE_FIELDS
from jiliang.orgs.industries import industry_choices
from jiliang.orgs.models import Region
from jiliang.orgs.validators import normalise_uscc, validate_uscc

SORT_LABELS = {
    "name": _("Name"),
    "region": _("Region"),
    "employees": _("Most employees"),
    "revenue": _("Highest revenue"),
    "newest": _("Newest"),
}


def split_tags(text: str) -> list[str]:
    return [tag for tag in text.replace("，", ",").replace("、", ",").split(",") if tag.strip()]


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    uscc = forms.CharField(label=_("Credit code"), required=False, max_length=18)
    region = forms.TypedChoiceField(label=_("Region"), required=False, coerce=int)
    section = forms.ChoiceField(
        label=_("Section"), required=False, choices=[("", _("All sections")), *Industry.choices]
    )
    division = forms.ChoiceField(label=_("Industry"), required=False)
    size = forms.ChoiceField(
        label=_("Size class"), required=False, choices=[("", _("All sizes")), *SizeClass.choices]
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=200, help_text=_("Separated by commas")
    )
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=[(key, SORT_LABELS[key]) for key in SORTS]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Regions to narrow to: the visible ones above county level (a county's own list is
        # short already).
        regions = Region.objects.visible_to(user).exclude(level=RegionLevel.COUNTY)
        self.fields["region"].choices = [
            ("", _("All regions")),
            *((region.pk, region.name) for region in regions.only("pk", "name")),
        ]
        self.fields["division"].choices = [("", _("All industries")), *industry_choices()]
        for entry in enterprise_filters.registered():
            self.fields[entry.key] = (
                forms.BooleanField(label=entry.label, required=False)
                if entry.choices is None
                else forms.ChoiceField(
                    label=entry.label, required=False, choices=[("", "—"), *entry.choices]
                )
            )

    def filters(self, regions) -> dict:
        """The selector's keyword arguments (``regions``: the visible regions, for the id)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        region = regions.filter(pk=data["region"]).first() if data["region"] else None
        extra = {
            entry.key: enterprise_filters.TICKED if data[entry.key] is True else data[entry.key]
            for entry in enterprise_filters.registered()
            if data.get(entry.key)
        }
        return {
            "q": data["q"],
            "uscc": data["uscc"],
            "region": region,
            "section": data["section"],
            "division": data["division"],
            "size": data["size"],
            "tags": split_tags(data["tags"]),
            "extra": extra,
            "sort": data["sort"] or "name",
        }

    PRIMARY = ("q", "division", "size")

    @property
    def more_fields(self):
        """The fields behind "More filters" (on a phone the form would fill the screen)."""
        return [field for field in self if field.name not in self.PRIMARY]

    @property
    def more_used(self) -> bool:
        return any(self.data.get(field.name) for field in self.more_fields if field.name != "sort")


class EnterpriseProfileForm(forms.ModelForm):
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=500, help_text=_("Separated by commas")
    )

    class Meta:
        model = EnterpriseProfile
        fields = PROFILE_FIELDS + OVERRIDE_FIELDS
        widgets = {
            "main_products": forms.Textarea(attrs={"rows": 2}),
            "key_processes": forms.Textarea(attrs={"rows": 2}),
            "metrology_staff": forms.Textarea(attrs={"rows": 2}),
            "measurement_standards": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, may_override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry_code"] = forms.ChoiceField(
            label=self.fields["industry_code"].label,
            required=False,
            choices=[("", "—"), *industry_choices()],
        )
        if self.instance.pk:
            self.initial["tags"] = ", ".join(self.instance.tags.values_list("name", flat=True))
        if not may_override:
            for name in OVERRIDE_FIELDS:
                del self.fields[name]


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Enterprise name"), max_length=200)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30)
    region = forms.CharField(
        label=_("Region"),
        max_length=100,
        help_text=_("The county or district: its name or its six-digit code"),
    )
    industry_code = forms.ChoiceField(label=_("Industry (GB/T 4754-2017)"))
    employees = forms.IntegerField(label=_("Employees"), min_value=0)
    revenue = forms.DecimalField(
        label=_("Annual revenue (10,000 yuan)"), min_value=0, max_digits=14, decimal_places=2
    )
    total_assets = forms.DecimalField(
        label=_("Total assets (10,000 yuan)"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("Construction, real estate development, leasing and business services only"),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40)
    contact_email = forms.EmailField(label=_("Contact e-mail"))
    username = forms.CharField(
        label=_("Username for the administrator"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry_code"].choices = [("", "—"), *industry_choices()]

    def clean_uscc(self):
        value = normalise_uscc(self.cleaned_data["uscc"])
        validate_uscc(value)
        return value

    def clean_region(self):
        return RegionFinder.everywhere().find(self.cleaned_data["region"].strip())


class RegistrationDecisionForm(forms.Form):
    confirm = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Confirm")), ("no", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=300,
        help_text=_("Required when rejecting: the applicant reads it."),
    )


class EnterpriseImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "xlsx, xls, ods or CSV; first row: 企业名称, 统一社会信用代码, 地区, 行业代码, "
            "从业人员, 营业收入（万元）, …"
        ),
    )
