"""The needs app's models, by topic."""

from jiliang.needs.models.fieldwork import (
    Need,
    ServiceTeam,
    TeamAssignment,
    TeamMember,
    Visit,
)
from jiliang.needs.models.questionnaires import Choice, Question, Questionnaire, Section
from jiliang.needs.models.responses import Answer, AnswerTally, Response

__all__ = [
    "Answer",
    "AnswerTally",
    "Choice",
    "Need",
    "Question",
    "Questionnaire",
    "Response",
    "Section",
    "ServiceTeam",
    "TeamAssignment",
    "TeamMember",
    "Visit",
]
