"""What the answering part of the needs app plugs into: the demo, the enterprises' navigation,
their to-do, the enterprise's 360° page, the audit log's words and the campaigns' count of
questionnaires collected."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiliang.campaigns.counting import counter, events, within
from jiliang.core import audit, demos, navigation
from jiliang.core.dashboards import DashboardRole, Severity, ToDo, registry
from jiliang.needs.choices import ResponseStatus
from jiliang.needs.models import Response
from jiliang.needs.selectors.answering import enterprise_responses, waiting_count
from jiliang.needs.selectors.results import questionnaires_with_results
from jiliang.orgs.choices import OrganisationKind

QUESTIONNAIRES = "questionnaires"  # the counter, and the indicator's code it counts for


@counter(QUESTIONNAIRES)
def questionnaires_collected(**bounds):
    """A questionnaire collected (份): a submitted response, on its day, where it was answered
    from (the response's region)."""
    responses = within(
        Response.objects.filter(status=ResponseStatus.SUBMITTED),
        region="region",
        path="region_path",
        day="submitted_at",
        **bounds,
    )
    return events(responses, region="region_id", subject="pk", day="submitted_at")


def enterprise_todos(user, today: date) -> list[ToDo]:

    return [
        ToDo(
            label=_("Questionnaires waiting for your answer"),
            count=waiting_count(user=user),
            url=reverse("answering:surveys"),
            severity=Severity.INFO,
        )
    ]


def organisation_surveys(user, organisation) -> dict | None:
    """The enterprise's survey responses the user sees (its members, the owners of the
    questionnaires, its regulators); paper ones marked."""

    if organisation.kind != OrganisationKind.ENTERPRISE:
        return None

    responses = list(enterprise_responses(user=user, organisation=organisation)[:20])
    readable = set(
        questionnaires_with_results(user)
        .filter(pk__in=[response.questionnaire_id for response in responses])
        .values_list("pk", flat=True)
    )
    for response in responses:
        submitted = response.status == "submitted"
        response.url = (
            reverse("survey_results:response", args=[response.questionnaire_id, response.pk])
            if submitted and response.questionnaire_id in readable
            else ""
        )
    return {"responses": responses}


def register() -> None:
    """Called from ``NeedsConfig.ready()``."""

    demos.registry.register("needs.answering", "jiliang.needs.demos.answering.load", order=46)
    navigation.register(
        navigation.Section(
            "surveys",
            gettext_lazy("Surveys"),
            "card-checklist",
            frozenset({DashboardRole.ENTERPRISE}),
            "answering:surveys",
            order=41,
        )
    )
    registry.register_todos(
        "needs.surveys", enterprise_todos, roles=DashboardRole.ENTERPRISE, order=30
    )
    registry.register_organisation_panel(
        "needs.surveys",
        template_name="needs/answering/_organisation_panel.html",
        context=organisation_surveys,
        order=30,
    )
    audit.register_event_types(
        {
            "needs.questionnaire.audience": gettext_lazy("Questionnaire audience chosen"),
            "needs.questionnaire.opened": gettext_lazy("Questionnaire opened"),
            "needs.questionnaire.reminded": gettext_lazy("Questionnaire reminders sent"),
            "needs.questionnaire.closed": gettext_lazy("Questionnaire closed"),
            "needs.response.started": gettext_lazy("Survey response started"),
            "needs.response.saved": gettext_lazy("Survey answers saved"),
            "needs.response.submitted": gettext_lazy("Survey response submitted"),
        }
    )
    audit.register_change_labels(
        "needs.questionnaire", {"reminded": gettext_lazy("People reminded")}
    )
    audit.register_change_labels("needs.response", {"answers": gettext_lazy("Questions answered")})
