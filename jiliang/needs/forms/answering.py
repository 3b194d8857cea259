"""Forms of distribution and answering (validation only). The answers themselves are read by
``views.answering.posted_data`` and checked by the services, question by question."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiliang.needs.choices import QuestionKind
from jiliang.needs.models import Questionnaire
from jiliang.needs.services.answer_data import OTHER_SUFFIX
from jiliang.orgs.choices import Industry, SizeClass
from jiliang.orgs.models import Region


def region_label(region: Region) -> str:
    depth = max(region.path.count("/") - 3, 0)
    return "\u3000" * depth + region.name


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return region_label(obj)


class AudienceForm(forms.ModelForm):
    audience_region = RegionChoiceField(
        label=_("Enterprises of"), queryset=Region.objects.none(), required=False
    )
    audience_industries = forms.MultipleChoiceField(
        label=_("Industry sections (none ticked: every section)"),
        choices=Industry.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    audience_sizes = forms.MultipleChoiceField(
        label=_("Size classes (none ticked: every size)"),
        choices=SizeClass.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    audience_tags = forms.CharField(
        label=_("Tags (any of them; separated by commas)"), required=False, max_length=300
    )

    class Meta:
        model = Questionnaire
        fields = [
            "audience_region",
            "audience_industries",
            "audience_sizes",
            "audience_tags",
            "public_link_enabled",
        ]

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience_region"].queryset = regions
        self.initial["audience_tags"] = "，".join(self.instance.audience_tags)

    def clean_audience_tags(self):
        text = self.cleaned_data["audience_tags"].replace("，", ",")
        return [tag.strip() for tag in text.split(",") if tag.strip()]


class PaperSearchForm(forms.Form):
    q = forms.CharField(label=_("Enterprise name or USCC"), required=False, max_length=100)


class RespondentForm(forms.Form):
    """Who answers through the public link."""

    respondent_name = forms.CharField(label=_("Your name"), max_length=100)
    respondent_contact = forms.CharField(label=_("Phone or e-mail"), max_length=100)
    region = RegionChoiceField(label=_("Where you are"), queryset=Region.objects.none())

    def __init__(self, *args, regions=None, asks_region=True, **kwargs):
        super().__init__(*args, **kwargs)
        if asks_region:
            self.fields["region"].queryset = regions
        else:
            del self.fields["region"]


class PaperRespondentForm(forms.Form):
    respondent_name = forms.CharField(
        label=_("Filled in by (on the paper)"), max_length=100, required=False
    )


def posted_data(form, post, files) -> dict:
    """The answers of a posted answering page, as ``services.answer_data`` reads them: every
    question (an empty one clears its answer) but a file question without a new upload."""
    data = {}
    for question in form.questions:
        name = question.name
        if question.kind == QuestionKind.MULTIPLE:
            data[name] = post.getlist(name)
        elif question.kind == QuestionKind.MATRIX:
            data[name] = {row.value: post.get(f"{name}.{row.value}", "") for row in question.rows}
        elif question.kind == QuestionKind.FILE:
            if name in files:
                data[name] = files[name]
        else:
            data[name] = post.get(name, "")
        if question.allows_other:
            data[name + OTHER_SUFFIX] = post.get(name + OTHER_SUFFIX, "")
    return data
