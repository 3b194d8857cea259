"""What the questionnaires part of the needs app plugs into: the demo, the navigation and the
audit log's words."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    """Called from ``NeedsConfig.ready()``."""
    from jiliang.core import audit, demos, navigation
    from jiliang.core.roles import DashboardRole

    demos.registry.register(
        "needs.questionnaires", "jiliang.needs.demos.questionnaires.load", order=45
    )
    navigation.register(
        navigation.Section(
            "questionnaires",
            _("Questionnaires"),
            "ui-checks",
            frozenset(
                {DashboardRole.REGULATOR, DashboardRole.INSTITUTION, DashboardRole.ADMINISTRATOR}
            ),
            "questionnaires:questionnaire_list",
            order=41,
        )
    )
    audit.register_event_types(
        {
            "needs.questionnaire.created": _("Questionnaire created"),
            "needs.questionnaire.imported": _("Questionnaire imported from XLSForm"),
            "needs.questionnaire.copied": _("Questionnaire copied"),
            "needs.questionnaire.changed": _("Questionnaire changed"),
            "needs.questionnaire.deleted": _("Questionnaire deleted"),
            "needs.section.added": _("Questionnaire section added"),
            "needs.section.changed": _("Questionnaire section changed"),
            "needs.section.moved": _("Questionnaire section moved"),
            "needs.section.deleted": _("Questionnaire section deleted"),
            "needs.question.added": _("Question added"),
            "needs.question.changed": _("Question changed"),
            "needs.question.moved": _("Question moved"),
            "needs.question.deleted": _("Question deleted"),
        }
    )
    audit.register_change_labels("needs.questionnaire", {"sections": _("Number of sections")})
    audit.register_change_labels(
        "needs.question", {"choices": _("Choices"), "rows": _("Matrix rows")}
    )
