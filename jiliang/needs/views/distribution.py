"""The owner's page of sending a questionnaire out: its audience, the public link, opening,
reminding and closing."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiliang.core.forms import ConfirmForm
from jiliang.core.views import ScopedActionView
from jiliang.needs.choices import ResponseStatus
from jiliang.needs.forms.answering import AudienceForm
from jiliang.needs.models import Questionnaire
from jiliang.needs.selectors.answering import audience
from jiliang.needs.services import distribution
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.models import Region, path_codes


def audience_regions(questionnaire: Questionnaire):
    """A bureau asks within its own subtree; an institution within its province."""
    owner_path = questionnaire.owner.region.path
    if questionnaire.owner.kind != OrganisationKind.REGULATOR:
        codes = path_codes(owner_path)
        owner_path = "/" + "/".join(codes[:2]) + "/"
    return Region.objects.filter(path__startswith=owner_path).order_by("path")


class DistributionView(ScopedActionView):
    """The audience form, with the figures of who was asked and who answered."""

    model = Questionnaire
    form_class = AudienceForm
    template_name = "needs/answering/distribution.html"
    edits_object = True
    success_message = gettext_lazy("The audience was saved.")

    def get_queryset(self):
        return super().get_queryset().select_related("owner__region", "audience_region")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "regions": audience_regions(self.object)}

    def get_context_data(self, **kwargs):
        questionnaire = self.object
        responses = questionnaire.responses.all()
        public_url = self.request.build_absolute_uri(
            reverse("answering:public", args=[questionnaire.public_token])
        )
        return super().get_context_data(
            invited=audience(questionnaire).count(),
            submitted=responses.filter(status=ResponseStatus.SUBMITTED).count(),
            drafts=responses.filter(status=ResponseStatus.DRAFT).count(),
            public_url=public_url,
            **kwargs,
        )

    def perform(self, form):
        return distribution.audience_set(
            actor=self.request.user, questionnaire=self.object, data=form.cleaned_data
        )

    def get_success_url(self, result=None):
        return reverse("answering:distribution", args=[self.object.pk])


class DistributionStepView(DistributionView):
    """Open, remind or close: a confirmed POST; a refusal is shown on the page."""

    form_class = ConfirmForm
    edits_object = False
    http_method_names = ["post"]

    def get_form_kwargs(self):
        return super(DistributionView, self).get_form_kwargs()

    def form_invalid(self, form):
        context = self.get_context_data(form=AudienceForm(
            instance=self.object, regions=audience_regions(self.object)
        ), step_errors=form.non_field_errors())  # fmt: skip
        return self.render_to_response(context, status=400)


class OpenView(DistributionStepView):
    success_message = gettext_lazy("The questionnaire is open; the enterprises are invited.")

    def perform(self, form):
        return distribution.questionnaire_open(actor=self.request.user, questionnaire=self.object)


class RemindView(DistributionStepView):
    def perform(self, form):
        told = distribution.questionnaire_remind(actor=self.request.user, questionnaire=self.object)
        self.success_message = _("%(count)d people were reminded.") % {"count": told}
        return told


class CloseView(DistributionStepView):
    success_message = gettext_lazy("The questionnaire is closed.")

    def perform(self, form):
        return distribution.questionnaire_close(actor=self.request.user, questionnaire=self.object)
