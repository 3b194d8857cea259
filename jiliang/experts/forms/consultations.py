"""Forms of the consultation channel: asking, replying, accepting and rating, reassigning."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiliang.experts.choices import MetrologyField
from jiliang.experts.models import Consultation
from jiliang.experts.models.consultations import QUESTION_MAX_LENGTH
from jiliang.experts.selectors.registry import routable_experts

RATINGS = [(number, str(number)) for number in range(5, 0, -1)]


class AskForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = ["field", "title", "body", "is_public"]
        labels = {"title": pgettext_lazy("consultation", "Question"), "body": _("Details")}
        help_texts = {
            "body": _("Up to 5,000 characters: what you measure, with what, what happened."),
            "is_public": _(
                "Public questions and their answers are shown to everyone and may join the "
                "common questions; a private one is seen by your organisation and the experts "
                "only."
            ),
        }
        widgets = {
            "body": forms.Textarea(attrs={"rows": 6}),
            # While the question is typed, the knowledge base suggests answers under it. On
            # "input", not "keyup": Chinese typed through an input method, or pasted, may
            # change the text without any keyup.
            "title": forms.TextInput(
                attrs={
                    "hx-get": reverse_lazy("knowledge:suggest"),
                    "hx-trigger": "input changed delay:400ms",
                    "hx-target": "#suggested-answers",
                    "autocomplete": "off",
                }
            ),
        }


class FieldFilterForm(forms.Form):
    field = forms.ChoiceField(
        label=_("Field"), choices=[("", _("All fields")), *MetrologyField.choices], required=False
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        min_length=2,
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class AcceptForm(forms.Form):
    reply = forms.ModelChoiceField(label=_("Answer"), queryset=None, empty_label=None)
    rating = forms.TypedChoiceField(label=_("Rating"), choices=RATINGS, coerce=int)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        answers = consultation.replies.filter(expert__isnull=False).select_related("expert__user")
        self.fields["reply"].queryset = answers
        self.fields["reply"].label_from_instance = lambda reply: (
            f"{reply.expert} · {timezone.localtime(reply.created):%Y-%m-%d %H:%M}"
        )
        last = answers.order_by("-created", "-pk").first()
        if last is not None:
            self.fields["reply"].initial = last.pk


class ReassignForm(forms.Form):
    expert = forms.ModelChoiceField(label=_("Expert"), queryset=None)

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = (
            routable_experts(consultation.field)
            .exclude(pk=consultation.assigned_expert_id)
            .select_related("user")
        )
