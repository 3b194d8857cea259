"""The results' filters: a region of the viewer's subtree, an industry section, a size class."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiliang.orgs.choices import Industry, SizeClass


class ResultsFilterForm(forms.Form):
    region = forms.TypedChoiceField(label=_("Region"), coerce=int, required=False, empty_value=None)
    industry = forms.ChoiceField(
        label=_("Industry"), required=False, choices=[("", _("Any")), *Industry.choices]
    )
    size = forms.ChoiceField(
        label=_("Size class"), required=False, choices=[("", _("Any")), *SizeClass.choices]
    )

    def __init__(self, data, *, regions, top_label):
        super().__init__(data)
        self.fields["region"].choices = [("", top_label)] + [
            (region.pk, "\u3000" * depth + region.name) for region, depth in regions
        ]

    def cleaned(self) -> dict:
        """The valid filters (an invalid one is left out)."""
        if self.is_valid():
            return self.cleaned_data
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
