from django.db import models
from django.utils.translation import gettext_lazy as _


class Supervision(models.TextChoices):
    """监管方式 of the 2020 catalogue (SAMR 公告2020年第42号)."""

    PATTERN_APPROVAL = "型式批准", _("Pattern approval")
    MANDATORY_VERIFICATION = "强制检定", _("Mandatory verification")
    BOTH = "型式批准、强制检定", _("Pattern approval and mandatory verification")


class MandatoryForm(models.TextChoices):
    """强检形式: the two forms of 只做首次强制检定, and periodic verification."""

    FIRST_ONLY_DISCARD = (
        "只做首次强制检定，失准报废",
        _("First verification only; discard when inaccurate"),
    )
    FIRST_ONLY_ROTATE = (
        "只做首次强制检定，限期使用，到期轮换",
        _("First verification only; limited use life, replace when due"),
    )
    PERIODIC = "周期检定", _("Periodic verification")


class Traceability(models.TextChoices):
    VERIFICATION = "verification", _("Verification (检定)")
    CALIBRATION = "calibration", _("Calibration (校准)")
    SELF_CALIBRATION = "self", _("Self-calibration (自校)")
    ONE_TIME = "one_time", _("One-time verification (一次性检定)")
    EXEMPT = "exempt", _("Exempt (免检)")


class Purpose(models.TextChoices):
    """Uses of 计量法 §9; the first four make a catalogue instrument mandatory."""

    TRADE_SETTLEMENT = "trade", _("Trade settlement (贸易结算)")
    SAFETY = "safety", _("Safety protection (安全防护)")
    HEALTH = "health", _("Medical and health (医疗卫生)")
    ENVIRONMENT = "environment", _("Environmental monitoring (环境监测)")
    OTHER = "other", _("Other (其他)")


MANDATORY_PURPOSES = frozenset(
    {Purpose.TRADE_SETTLEMENT, Purpose.SAFETY, Purpose.HEALTH, Purpose.ENVIRONMENT}
)


class MandatoryStatus(models.TextChoices):
    """What the platform decides of 强制检定 from the catalogue item and the purpose."""

    MANDATORY = "mandatory", _("Mandatory verification")
    NOT_MANDATORY = "not_mandatory", _("Not mandatory")
    # Used for one of the four purposes, but no checked catalogue row says whether it is in the
    # catalogue: the platform cannot tell "not mandatory" from "not in our copy of the table".
    UNDECIDED = "undecided", _("Cannot decide (无法判定)")


class InstrumentStatus(models.TextChoices):
    IN_USE = "in_use", _("In use (在用)")
    SUSPENDED = "suspended", _("Suspended (停用)")
    SEALED = "sealed", _("Sealed (封存)")
    RETIRED = "retired", _("Retired (报废)")
    AT_VERIFICATION = "at_verification", _("At verification (送检中)")
    REPAIR = "repair", _("Under repair (维修)")


# Statuses in which an instrument may not be used: its label is red whatever its records say.
OUT_OF_SERVICE = frozenset(
    {
        InstrumentStatus.SUSPENDED,
        InstrumentStatus.SEALED,
        InstrumentStatus.RETIRED,
        InstrumentStatus.REPAIR,
    }
)


class AbcClass(models.TextChoices):
    A = "A", _("A: legal or key measurements")
    B = "B", _("B: general measurements")
    C = "C", _("C: indication only, low value")


class RecordKind(models.TextChoices):
    VERIFICATION = "verification", _("Verification (检定)")
    CALIBRATION = "calibration", _("Calibration (校准)")
    SELF_CALIBRATION = "self", _("Self-calibration (自校)")


class Conclusion(models.TextChoices):
    PASS = "pass", _("Pass (合格)")
    FAIL = "fail", _("Fail (不合格)")
    RESTRICTED = "restricted", _("Restricted use (准用/限用)")


class Tolerance(models.TextChoices):
    IN = "in", _("In tolerance")
    OUT = "out", _("Out of tolerance")
    UNKNOWN = "", _("Not stated")


class Label(models.TextChoices):
    """三色标识, always shown with its text, never by colour alone."""

    GREEN = "green", _("Green: pass (合格)")
    YELLOW = "yellow", _("Yellow: restricted use (准用/限用)")
    RED = "red", _("Red: do not use (停用)")
