"""Forms of the knowledge base: the search box and what bureaus write. Validation only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jiliang.experts.choices import MetrologyField, SearchKind
from jiliang.experts.models import KnowledgeEntry, TypicalCase
from jiliang.experts.search.query import QUERY_MAX_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=QUERY_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("For example: 压力表 多久检定一次")}
        ),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Everything")), *SearchKind.choices], required=False
    )
    field = forms.ChoiceField(
        label=_("Field"), choices=[("", _("All fields")), *MetrologyField.choices], required=False
    )


class KnowledgeEntryForm(forms.ModelForm):
    class Meta:
        model = KnowledgeEntry
        fields = ["question", "answer", "field", "tags", "is_published"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"tags": _("Separated by commas.")}


class PublishingForm(KnowledgeEntryForm):
    """A new entry, published for one of the user's bureaus."""

    publisher = forms.ModelChoiceField(label=_("Published by"), queryset=None)

    def __init__(self, *args, bureaus, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publisher"].queryset = bureaus
        self.fields["publisher"].initial = bureaus.first()


class CasePublishForm(forms.ModelForm):
    class Meta:
        model = TypicalCase
        fields = ["title", "problem_summary", "solution_summary"]
        widgets = {
            "problem_summary": forms.Textarea(attrs={"rows": 5}),
            "solution_summary": forms.Textarea(attrs={"rows": 6}),
        }


class CaseEditForm(CasePublishForm):
    class Meta(CasePublishForm.Meta):
        fields = ["title", "enterprise_shown_as", *CasePublishForm.Meta.fields[1:], "is_published"]
