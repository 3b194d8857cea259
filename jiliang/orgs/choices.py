from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    NATION = "nation", _("Nation")
    PROVINCE = "province", _("Province")
    CITY = "city", _("Prefecture-level city")
    DEMONSTRATION_ZONE = "zone", _("Demonstration zone")
    PROVINCE_ADMINISTERED_COUNTY = "direct_county", _("Province-administered county")
    COUNTY = "county", _("County or district")


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    INSTITUTION = "institution", _("Metrology institution")
    REGULATOR = "regulator", _("Regulator")
    ASSOCIATION = "association", _("Association")


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


class Industry(models.TextChoices):
    """Sections of GB/T 4754-2017 《国民经济行业分类》."""

    A = "A", _("A Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("B Mining")
    C = "C", _("C Manufacturing")
    D = "D", _("D Electricity, heat, gas and water production and supply")
    E = "E", _("E Construction")
    F = "F", _("F Wholesale and retail trade")
    G = "G", _("G Transport, storage and postal services")
    H = "H", _("H Accommodation and catering")
    I = "I", _("I Information transmission, software and IT services")  # noqa: E741
    J = "J", _("J Finance")
    K = "K", _("K Real estate")
    L = "L", _("L Leasing and business services")
    M = "M", _("M Scientific research and technical services")
    N = "N", _("N Water, environment and public facilities management")
    O = "O", _("O Resident, repair and other services")  # noqa: E741
    P = "P", _("P Education")
    Q = "Q", _("Q Health and social work")
    R = "R", _("R Culture, sports and entertainment")
    S = "S", _("S Public administration, social security and social organisations")
    T = "T", _("T International organisations")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    STAFF = "staff", _("Staff")
    EXPERT = "expert", _("Expert")
    VIEWER = "viewer", _("Viewer")


class MeasurementSystemStatus(models.TextChoices):
    """Where an enterprise stands with its measurement management system (GB/T 19022);
    other apps read these values."""

    NONE = "none", _("No system")
    BUILDING = "building", _("Being built")
    ESTABLISHED = "established", _("Established")
    CERTIFIED = "certified", _("Certified")


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
