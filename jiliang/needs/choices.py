from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionnaireStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    MATRIX = "matrix", _("Matrix (Likert)")
    REGION = "region", _("Region")
    FILE = "file", _("File upload")


# The kinds whose answers are chosen from the question's choices.
CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.MATRIX})


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ResponseSource(models.TextChoices):
    ONLINE = "online", _("Answered online")
    PAPER = "paper", _("Entered from paper")
    PUBLIC_LINK = "public", _("Answered through the public link")


class NeedTopic(models.TextChoices):
    """The needs the notice (§1) asks the campaign to learn."""

    POLICY = "policy", _("Regulations and policy")
    TRAINING = "training", _("Training in metrology knowledge and skills")
    TESTING = "testing", _("Measurement and testing across the product life cycle")
    CALIBRATION = "calibration", _("Verification and calibration of instruments")
    MMS = "mms", _("Measurement management system")
    STANDARDS = "standards", _("Measurement standards and traceability")
    OTHER = "other", _("Other")


class NeedUrgency(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    MET = "met", _("Met")
    CLOSED = "closed", _("Closed without action")


OPEN_NEED_STATUSES = frozenset({NeedStatus.OPEN, NeedStatus.IN_PROGRESS})
