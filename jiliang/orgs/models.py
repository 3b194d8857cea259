"""Regions (a tree by reporting line), organisations and memberships with roles."""

import math
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiliang.core.models import TimeStampedModel
from jiliang.core.scoping import OrganisationScopedQuerySet, ScopedQuerySet
from jiliang.orgs.choices import Industry, OrganisationKind, RegionLevel, Role, SizeClass
from jiliang.orgs.enterprise_models import (  # noqa: F401  (the app's models, re-exported)
    EnterpriseProfile,
    EnterpriseRegistration,
    Tag,
)
from jiliang.orgs.validators import validate_uscc

PATH_SEPARATOR = "/"
EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)


def path_codes(path: str) -> list[str]:
    """The codes of the regions along a path, the highest region's first."""
    return path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR)


class Point(NamedTuple):
    """A place on the earth in degrees: east longitude, north latitude (GeoJSON's order)."""

    longitude: float
    latitude: float


def haversine_km(a: Point, b: Point) -> float:
    """The great-circle distance between two points, in kilometres."""
    longitude_a, latitude_a = map(math.radians, a)
    longitude_b, latitude_b = map(math.radians, b)
    h = (
        math.sin((latitude_b - latitude_a) / 2) ** 2
        + math.cos(latitude_a)
        * math.cos(latitude_b)
        * math.sin((longitude_b - longitude_a) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class RegionQuerySet(ScopedQuerySet):
    def visible_condition(self, scope):
        return Q(pk__in=scope.region_ids | scope.regulated_region_ids)

    def editable_condition(self, scope):
        return Q(pk__in=[])  # regions are reference data: platform administrators only

    def subtree_of(self, region):
        return self.filter(path__startswith=region.path)

    def around(self, centre: "Point | tuple[float, float]", km: float):
        """The regions with a centre in a box holding every point within ``km`` of ``centre``
        (a superset of the circle: ``Region.distance_km`` decides)."""
        longitude, latitude = centre
        degrees = math.degrees(km / EARTH_RADIUS_KM)  # of latitude, and of longitude at the equator
        regions = self.filter(
            latitude__gte=latitude - degrees,
            latitude__lte=latitude + degrees,
            longitude__isnull=False,
        )
        widest = abs(latitude) + degrees  # the circle's latitude farthest from the equator
        if widest >= 90:
            return regions  # the circle holds a pole: every longitude
        span = degrees / math.cos(math.radians(widest))
        if longitude - span >= -180 and longitude + span <= 180:
            regions = regions.filter(
                longitude__gte=longitude - span, longitude__lte=longitude + span
            )
        return regions  # across the antimeridian: every longitude (none of China's concern)


class Region(models.Model):
    """An administrative region placed under the region it reports to.

    The tree follows the reporting line, not the code prefix: a province-administered county
    (省直管县) has the province as parent although its code starts with a city's. ``path`` is
    the materialised list of codes from the root, so a subtree is one prefix query.
    """

    code = models.CharField(
        _("code"), max_length=12, unique=True, help_text=_("GB/T 2260 administrative division code")
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("reports to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    # The region's centre (at or near its seat of government), for distance searches.
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("Of the region's centre, in degrees east"),
    )
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("Of the region's centre, in degrees north"),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="region_not_own_parent"
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True, latitude__isnull=True)
                | Q(longitude__isnull=False, latitude__isnull=False),
                name="region_centre_whole",
                violation_error_message=_("Give both the longitude and the latitude, or neither."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("orgs:region_detail", args=[self.pk])

    def clean(self):
        if self.parent_id is None:
            return
        if self.pk is not None:
            stored_path = Region.objects.filter(pk=self.pk).values_list("path", flat=True).first()
            if self.parent_id == self.pk or (
                stored_path and self.parent.path.startswith(stored_path)
            ):
                raise ValidationError(
                    {
                        "parent": _(
                            "%(parent)s lies inside %(region)s: a region cannot report to "
                            "itself or to a region below it."
                        )
                        % {"parent": self.parent, "region": self}
                    }
                )

    def computed_path(self) -> str:
        prefix = self.parent.path if self.parent_id else PATH_SEPARATOR
        return f"{prefix}{self.code}{PATH_SEPARATOR}"

    @property
    def depth(self) -> int:
        return self.path.count(PATH_SEPARATOR) - 1

    @property
    def centre(self) -> Point | None:
        if self.longitude is None or self.latitude is None:
            return None
        return Point(self.longitude, self.latitude)

    def distance_km(self, other: "Region | Point | tuple[float, float]") -> float | None:
        """Kilometres from this region's centre to ``other``'s or to a (longitude, latitude)
        point, along a great circle; None when one has no centre."""
        there = other.centre if isinstance(other, Region) else other
        here = self.centre
        if here is None or there is None:
            return None
        return haversine_km(here, Point(*there))


class OrganisationQuerySet(OrganisationScopedQuerySet):
    organisation_field = ""
    editor_roles = frozenset({Role.ADMIN})


class Organisation(TimeStampedModel):
    """An enterprise, metrology institution, regulator or association."""

    kind = models.CharField(_("kind"), max_length=16, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_uscc],
        error_messages={
            "unique": _("An organisation with this unified social credit code exists.")
        },
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="organisations"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    size_class = models.CharField(
        _("size class"), max_length=8, choices=SizeClass.choices, blank=True
    )
    industry = models.CharField(
        _("industry (GB/T 4754)"), max_length=1, choices=Industry.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["kind", "region"]),
            # The regulators' enterprise search: section and size class, probed per region, the
            # name read from the index (enterprise_selectors.enterprise_list, bench/enterprises).
            models.Index(
                fields=["kind", "industry", "size_class", "region", "name"],
                name="organisation_search",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == OrganisationKind.ENTERPRISE:
            missing = {
                name: _("Required for an enterprise.")
                for name in ("size_class", "industry")
                if not getattr(self, name)
            }
            if missing:
                raise ValidationError(missing)
        elif self.size_class or self.industry:
            raise ValidationError(
                _("Only enterprises have a size class and an industry."), code="not_enterprise"
            )

    def get_absolute_url(self):
        return reverse("orgs:organisation_detail", args=[self.pk])

    @property
    def is_sme(self) -> bool:
        return self.kind == OrganisationKind.ENTERPRISE and self.size_class != SizeClass.LARGE


class MembershipQuerySet(OrganisationScopedQuerySet):
    viewer_roles = frozenset({Role.ADMIN})
    editor_roles = frozenset({Role.ADMIN})
    regulators_see = False

    def visible_condition(self, scope):
        return super().visible_condition(scope) | Q(user_id=scope.user_id)


class Membership(TimeStampedModel):
    """A user's role in an organisation; a regulator's role covers its region subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                name="membership_once_per_organisation",
                violation_error_message=_("This user is already a member of the organisation."),
            )
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"
