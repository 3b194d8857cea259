from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PeriodType(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class Aggregation(models.TextChoices):
    """How an indicator's values combine over periods; over regions they always add up."""

    SUM = "sum", _("Sum of the periods")
    LATEST = "latest", _("Latest period's value")


class ReportStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("campaign report", "Open")
    SUBMITTED = "submitted", pgettext_lazy("campaign report", "Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
