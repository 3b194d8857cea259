from django.db import models
from django.utils.translation import gettext_lazy as _


class MetrologyField(models.TextChoices):
    """The ten fields of metrology (十大计量) that experts, problems and questions are filed in."""

    LENGTH = "length", _("Length")
    THERMAL = "thermal", _("Thermal")
    MECHANICS = "mechanics", _("Mechanics")
    ELECTROMAGNETISM = "electromagnetism", _("Electromagnetism")
    RADIO = "radio", _("Radio")
    TIME_FREQUENCY = "time_frequency", _("Time and frequency")
    OPTICS = "optics", _("Optics")
    ACOUSTICS = "acoustics", _("Acoustics")
    IONIZING_RADIATION = "ionizing_radiation", _("Ionizing radiation")
    CHEMISTRY = "chemistry", _("Physical chemistry")


class GroupKind(models.TextChoices):
    SERVICE = "service", _("Expert service group")
    ASSISTANCE = "assistance", _("Technical assistance team")


class ProblemCategory(models.TextChoices):
    """The kinds of problem the notice (§4) names."""

    TRACEABILITY = "traceability", _("Traceability")
    TEST_METHOD = "test_method", _("Test methods")
    EQUIPMENT = "equipment", _("Instruments and equipment")
    PROCESS_CONTROL = "process", _("Process control")
    ENERGY = "energy", _("Energy measurement")
    SAFETY = "safety", _("Safety measurement")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class ProblemSource(models.TextChoices):
    ENTERPRISE = "enterprise", _("Stated by the enterprise")
    VISIT = "visit", _("Raised in a visit")
    BUREAU = "bureau", _("Recorded by the bureau")


class ProblemState(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    PROPOSED = "proposed", _("Solution proposed")
    SOLVED = "solved", _("Solved")
    UNSOLVABLE = "unsolvable", _("Not solvable")


OPEN_PROBLEM_STATES = frozenset(
    {ProblemState.NEW, ProblemState.ASSIGNED, ProblemState.IN_PROGRESS, ProblemState.PROPOSED}
)
# The states in which the assignees owe work, so a passed target date makes the problem overdue.
OVERDUE_PROBLEM_STATES = frozenset({ProblemState.ASSIGNED, ProblemState.IN_PROGRESS})


class CaseConsent(models.TextChoices):
    """Whether a solved problem may be published as a typical case (典型案例)."""

    NO = "no", _("Not to be published")
    ANONYMOUS = "anonymous", _("May be published anonymised")
    NAMED = "named", _("May be published with the enterprise's name")


class ProjectState(models.TextChoices):
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    ABANDONED = "abandoned", _("Abandoned")


class ConsultationState(models.TextChoices):
    OPEN = "open", _("Awaiting an answer")
    ANSWERED = "answered", _("Answered")
    ACCEPTED = "accepted", _("Answer accepted")
    CLOSED = "closed", _("Closed")


class SearchKind(models.TextChoices):
    FAQ = "faq", _("Common question")
    CASE = "case", _("Typical case")
    CONSULTATION = "consultation", _("Public question")
