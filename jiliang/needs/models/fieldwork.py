"""Service teams (计量技术服务队) a bureau forms, their visits to enterprises, and the needs
raised — in a visit, a survey or by the enterprise itself."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiliang.core.models import TimeStampedModel
from jiliang.core.scoping import ScopedQuerySet
from jiliang.needs.choices import NeedStatus, NeedTopic, NeedUrgency

EDITOR_ROLES = frozenset({"admin", "staff"})


def team_condition(scope, through: str = "") -> Q:
    """Teams of the user's bureaus and of the bureaus in their regulated subtrees, and the
    teams the user is a member of."""
    condition = Q(**{f"{through}bureau_id__in": scope.organisation_ids()}) | Q(
        **{f"{through}members__user_id": scope.user_id}
    )
    if scope.regulated_region_ids:
        condition |= Q(**{f"{through}bureau__region_id__in": scope.regulated_region_ids})
    return condition


def _visible_teams(scope):
    """The ids of the teams the scope reaches, as a subquery (membership is a join that
    would repeat rows)."""
    return ServiceTeam.objects.filter(team_condition(scope)).values("pk")


class ServiceTeamQuerySet(ScopedQuerySet):
    def visible_condition(self, scope):
        return Q(pk__in=_visible_teams(scope))

    def editable_condition(self, scope):
        return Q(bureau_id__in=scope.organisation_ids(EDITOR_ROLES))


class ServiceTeam(TimeStampedModel):
    bureau = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("bureau"),
        on_delete=models.PROTECT,
        related_name="service_teams",
    )
    name = models.CharField(_("name"), max_length=200)
    formed_on = models.DateField(_("formed on"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        on_delete=models.PROTECT,
        related_name="led_service_teams",
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ServiceTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("service team")
        verbose_name_plural = _("service teams")
        ordering = ["-formed_on", "name"]
        indexes = [models.Index(fields=["updated"]), models.Index(fields=["formed_on"])]

    def __str__(self):
        return self.name


class TeamPartQuerySet(ScopedQuerySet):
    def visible_condition(self, scope):
        return Q(team__in=_visible_teams(scope))

    def editable_condition(self, scope):
        return Q(team__bureau_id__in=scope.organisation_ids(EDITOR_ROLES))


class TeamMember(models.Model):
    """A member of a team: institution staff or an expert (the leader is one too)."""

    team = models.ForeignKey(
        ServiceTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="service_team_memberships",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = TeamPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user"],
                name="team_member_once",
                violation_error_message=_("This person is already a member of the team."),
            )
        ]

    def __str__(self):
        return f"{self.user} @ {self.team}"


class TeamAssignment(models.Model):
    """An enterprise the team serves."""

    team = models.ForeignKey(
        ServiceTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="assignments"
    )
    enterprise = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="team_assignments",
    )
    assigned_on = models.DateField(_("assigned on"), auto_now_add=True)

    objects = TeamPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("assigned enterprise")
        verbose_name_plural = _("assigned enterprises")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "enterprise"],
                name="team_assignment_once",
                violation_error_message=_("The enterprise is already assigned to the team."),
            )
        ]

    def __str__(self):
        return f"{self.enterprise} → {self.team}"


def visit_condition(scope, through: str = "") -> Q:
    """Visits of the user's teams (and those its bureaus oversee), and visits to the user's
    enterprises."""
    return Q(**{f"{through}team__in": _visible_teams(scope)}) | Q(
        **{f"{through}enterprise_id__in": scope.organisation_ids()}
    )


class VisitQuerySet(ScopedQuerySet):
    def visible_condition(self, scope):
        return visit_condition(scope)

    def editable_condition(self, scope):
        # The members of the team record and correct its visits.
        return Q(team__members__user_id=scope.user_id) | Q(
            team__bureau_id__in=scope.organisation_ids(EDITOR_ROLES)
        )


class Visit(TimeStampedModel):
    team = models.ForeignKey(
        ServiceTeam, verbose_name=_("team"), on_delete=models.PROTECT, related_name="visits"
    )
    enterprise = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    visited_on = models.DateField(_("visited on"))
    members_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("team members present"), related_name="+"
    )
    findings = models.TextField(_("what was found"), blank=True)
    services_given = models.TextField(_("services given on the spot"), blank=True)
    service_person_times = models.PositiveIntegerField(_("services (person-times)"), default=0)
    materials_handed_out = models.PositiveIntegerField(_("materials handed out"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["updated"]), models.Index(fields=["visited_on"])]

    def __str__(self):
        return f"{self.enterprise} · {self.visited_on}"


def need_condition(scope, enterprise_roles=None) -> Q:
    """An enterprise's own needs (for its members with one of ``enterprise_roles``, any role
    when None); those in a regulator's subtree; those of the enterprises assigned to the
    user's teams."""
    condition = Q(enterprise_id__in=scope.organisation_ids(enterprise_roles)) | Q(
        enterprise__team_assignments__team__members__user_id=scope.user_id
    )
    if scope.regulated_region_ids:
        condition |= Q(enterprise__region_id__in=scope.regulated_region_ids)
    return condition


class NeedQuerySet(ScopedQuerySet):
    def visible_condition(self, scope):
        return Q(pk__in=Need.objects.filter(need_condition(scope)).values("pk"))

    def editable_condition(self, scope):
        # An enterprise's viewers see its needs and change nothing.
        return Q(pk__in=Need.objects.filter(need_condition(scope, EDITOR_ROLES)).values("pk"))

    def open(self):
        return self.filter(status__in=[NeedStatus.OPEN, NeedStatus.IN_PROGRESS])


class Need(TimeStampedModel):
    """A structured need of an enterprise: raised in a visit, a survey answer or by itself;
    later met by a problem for the experts or by an order."""

    enterprise = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="needs",
    )
    topic = models.CharField(_("topic"), max_length=12, choices=NeedTopic.choices)
    description = models.TextField(_("description"))
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=NeedUrgency.choices, default=NeedUrgency.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("raised in visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
    )
    response = models.ForeignKey(
        "needs.Response",
        verbose_name=_("raised in survey response"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
    )
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("met by order"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.TextField(_("resolution"), blank=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created"]
        indexes = [models.Index(fields=["enterprise", "status"])]

    def __str__(self):
        return f"{self.enterprise} · {self.get_topic_display()}"
