"""The experts app's models, by topic."""

from jiliang.experts.models.consultations import Consultation, ConsultationReply
from jiliang.experts.models.experts import Expert, ExpertField, ExpertGroup
from jiliang.experts.models.knowledge import KnowledgeEntry, SearchEntry, TypicalCase
from jiliang.experts.models.problems import (
    JointProject,
    Problem,
    ProblemDocument,
    ProblemEvent,
    ProjectDocument,
    ProjectMilestone,
)

__all__ = [
    "Consultation",
    "ConsultationReply",
    "Expert",
    "ExpertField",
    "ExpertGroup",
    "JointProject",
    "KnowledgeEntry",
    "Problem",
    "ProblemDocument",
    "ProblemEvent",
    "ProjectDocument",
    "ProjectMilestone",
    "SearchEntry",
    "TypicalCase",
]
