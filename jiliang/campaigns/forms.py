"""Forms of the campaign pages: they check the shape of the input, the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiliang.campaigns.choices import PeriodType
from jiliang.campaigns.models import Indicator
from jiliang.orgs.models import Organisation

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
COUNT_WIDGET = {"min": "0", "step": "1", "inputmode": "numeric", "class": "text-end"}


def count_field(label, *, required=False):
    """A count: a whole number, zero or more (the services check it again)."""
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=2_000_000_000,
        widget=forms.NumberInput(attrs=COUNT_WIDGET),
    )


class CampaignForm(forms.Form):
    organiser = forms.ModelChoiceField(
        label=_("Organiser"),
        queryset=Organisation.objects.none(),
        help_text=_("The campaign covers the organiser's region and every region below it."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    period_type = forms.ChoiceField(label=_("Period type"), choices=PeriodType.choices)
    deadline_days = forms.IntegerField(
        label=_("Report deadline (days after each period)"),
        min_value=0,
        max_value=365,
        initial=10,
    )
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators"),
        queryset=Indicator.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers
        self.fields["year"].initial = timezone.localdate().year
        self.fields["period_type"].initial = PeriodType.QUARTERLY
        self.fields["indicators"].initial = list(self.fields["indicators"].queryset)


class QuotaTableForm(forms.Form):
    """One line per child region: its two quotas and a note. A line left blank sets nothing."""

    def __init__(self, *args, regions, quotas, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = list(regions)
        for region in self.regions:
            quota = quotas.get(region.pk)
            prefix = f"r{region.pk}"
            self.fields[f"{prefix}_smes_to_help"] = count_field(
                _("SMEs to help, %(region)s") % {"region": region.name}
            )
            self.fields[f"{prefix}_smes_for_mms_training"] = count_field(
                _("SMEs for MMS training, %(region)s") % {"region": region.name}
            )
            self.fields[f"{prefix}_note"] = forms.CharField(
                label=_("Note, %(region)s") % {"region": region.name},
                max_length=200,
                required=False,
            )
            if quota is not None:
                self.initial[f"{prefix}_smes_to_help"] = quota.smes_to_help
                self.initial[f"{prefix}_smes_for_mms_training"] = quota.smes_for_mms_training
                self.initial[f"{prefix}_note"] = quota.note

    def lines(self):
        """(region, its three bound fields) in the order of the table."""
        for region in self.regions:
            prefix = f"r{region.pk}"
            yield (
                region,
                self[f"{prefix}_smes_to_help"],
                self[f"{prefix}_smes_for_mms_training"],
                self[f"{prefix}_note"],
            )

    def clean(self):
        cleaned = super().clean()
        for region in self.regions:
            names = [f"r{region.pk}_smes_to_help", f"r{region.pk}_smes_for_mms_training"]
            given = [cleaned.get(name) is not None for name in names]
            if any(given) and not all(given):
                missing = names[given.index(False)]
                if missing not in self.errors:
                    self.add_error(missing, _("Give both quotas of the region, or neither."))
        return cleaned

    def filled_lines(self) -> list[tuple[object, int, int, str]]:
        """(region, smes_to_help, smes_for_mms_training, note) of the lines filled in."""
        lines = []
        for region in self.regions:
            prefix = f"r{region.pk}"
            helped = self.cleaned_data.get(f"{prefix}_smes_to_help")
            trained = self.cleaned_data.get(f"{prefix}_smes_for_mms_training")
            if helped is None and trained is None:
                continue
            lines.append((region, helped, trained, self.cleaned_data.get(f"{prefix}_note", "")))
        return lines


class OwnQuotaForm(forms.Form):
    """The quota of the campaign's own region, set by its organiser."""

    smes_to_help = count_field(_("SMEs to help"), required=True)
    smes_for_mms_training = count_field(
        _("SMEs for measurement management system training"), required=True
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class QuotaImportForm(forms.Form):
    file = forms.FileField(
        label=_("Quota table"),
        help_text=_(
            "As .xlsx, .xls, .ods or .csv in the layout of the notice's attachment 1: 序号, 地区, "
            "帮扶中小企业数, 测量管理体系培训企业数, 备注 and a 合计 row; title rows are fine. "
            "Nothing is saved unless every row is right."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class FiguresForm(forms.Form):
    """One value and one note per indicator; a value left blank is not entered. Each value field
    is named by the indicator's code, so that a service error naming the code lands on it."""

    def __init__(self, *args, indicators, entered, locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            value = count_field(f"{indicator.name} ({indicator.unit})")
            note = forms.CharField(
                label=_("Note on %(indicator)s") % {"indicator": indicator.name},
                max_length=500,
                required=False,
            )
            if locked:
                value.disabled = note.disabled = True
            self.fields[indicator.code] = value
            self.fields[f"{indicator.code}__note"] = note
            current = entered.get(indicator.code)
            if current is not None:
                self.initial[indicator.code] = current["value"]
                self.initial[f"{indicator.code}__note"] = current["note"]

    def values(self) -> dict[str, tuple[int | None, str]]:
        """The service's ``values``: indicator code → (value, note); a blank value is None
        (nothing entered: an entered value is removed)."""
        return {
            indicator.code: (
                self.cleaned_data.get(indicator.code),
                self.cleaned_data.get(f"{indicator.code}__note", ""),
            )
            for indicator in self.indicators
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The region's bureau reads it, corrects its figures and submits again."),
    )


class ApprovalsFilterForm(forms.Form):
    """The approvals page's filters, read from the query string: a period, what to show (the
    reports waiting, returned, approved, or the regions late to report) and a region."""

    period = forms.ChoiceField(label=_("Period"), required=False)
    status = forms.ChoiceField(label=_("Show"), required=False)
    region = forms.TypedChoiceField(label=_("Region"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, periods, statuses, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [("", _("Every period")), *periods]
        self.fields["status"].choices = [("", _("Everything")), *statuses]
        self.fields["region"].choices = [("", _("Every region"))] + [
            (region.pk, region.name) for region in regions
        ]


class ChaseForm(forms.Form):
    """A region and period to chase (催报); without a region, every late region (of the period,
    if one is given)."""

    region = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    period = forms.CharField(required=False, max_length=7)
