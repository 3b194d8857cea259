"""What an order asks for, how the items travel, and where the order stands."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderKind(models.TextChoices):
    MANDATORY_VERIFICATION = "mandatory", _("Mandatory verification")  # 强制检定
    VERIFICATION = "verification", _("Verification")  # 检定
    CALIBRATION = "calibration", _("Calibration")  # 校准
    TESTING = "testing", _("Testing")  # 测试
    STANDARD_ASSESSMENT = "standard", _("Measurement standard assessment")  # 计量标准考核
    AUTHORISATION = "authorisation", _("Metrology authorisation")  # 计量授权
    PATTERN_APPROVAL = "pattern", _("Pattern approval")  # 型式批准


# Administrative licences (行政许可): an object described with documents, not ledger items.
APPROVAL_KINDS = frozenset(
    {OrderKind.STANDARD_ASSESSMENT, OrderKind.AUTHORISATION, OrderKind.PATTERN_APPROVAL}
)


class ServiceMode(models.TextChoices):
    DROP_OFF = "drop_off", _("Drop-off")  # 送检
    MAIL = "mail", _("Mailed sample")  # 邮寄
    ON_SITE = "on_site", _("On site")  # 现场


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")
    IN_SERVICE = "in_service", _("Received, in progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = frozenset(
    {OrderStatus.SUBMITTED, OrderStatus.RETURNED, OrderStatus.ACCEPTED, OrderStatus.IN_SERVICE}
)


class Party(models.TextChoices):
    """Who may make a transition: the enterprise that ordered or the institution addressed."""

    ENTERPRISE = "enterprise", _("Enterprise")
    INSTITUTION = "institution", _("Institution")
