"""The expert registry: experts, the metrology fields they know, and the expert groups
(专家服务组, 技术帮扶小组) bureaus form for their regions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiliang.core.models import TimeStampedModel
from jiliang.core.scoping import ScopedQuerySet, managed_region_condition
from jiliang.experts.choices import GroupKind, MetrologyField

EDITOR_ROLES = frozenset({"admin", "staff"})


class ExpertQuerySet(ScopedQuerySet):
    # The registry is open to everyone signed in: enterprises choose whom to ask.
    def visible_condition(self, scope):
        return Q()

    def editable_condition(self, scope):
        # The bureaus over the expert's region (their admins and staff), and the expert's own
        # organisation's admins.
        return managed_region_condition(scope) | Q(
            organisation_id__in=scope.organisation_ids(frozenset({"admin"}))
        )

    def available(self, today=None):
        """Experts taking questions: available, or unavailable until a day now past."""
        today = today or timezone.localdate()
        return self.filter(
            Q(is_available=True) | Q(unavailable_until__lt=today), user__is_active=True
        )


class Expert(TimeStampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="expert_profile",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="experts",
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("professional title"), max_length=100)
    committees = models.TextField(
        _("technical committees"), blank=True, help_text=_("One committee per line.")
    )
    biography = models.TextField(_("biography"), blank=True)
    is_available = models.BooleanField(_("available"), default=True)
    unavailable_until = models.DateField(_("unavailable until"), null=True, blank=True)
    # Round robin: the consultation goes to the available expert of its field routed longest ago.
    last_routed = models.DateTimeField(_("last routed a question"), null=True, blank=True)

    objects = ExpertQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["region__path", "user__last_name", "pk"]
        indexes = [models.Index(fields=["updated"])]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()

    def get_absolute_url(self):
        return reverse("experts:expert_detail", args=[self.pk])

    @property
    def available_now(self) -> bool:
        """As ``ExpertQuerySet.available()`` counts it, for an expert at hand."""
        today = timezone.localdate()
        return self.is_available or bool(self.unavailable_until and self.unavailable_until < today)

    def committee_list(self) -> list[str]:
        return [line.strip() for line in self.committees.splitlines() if line.strip()]


class ExpertField(models.Model):
    """A field an expert knows, with the finer specialties (压力, 力值, 硬度 …)."""

    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="fields"
    )
    field = models.CharField(_("field"), max_length=20, choices=MetrologyField.choices)
    specialties = models.CharField(_("specialties"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("expert's field")
        verbose_name_plural = _("experts' fields")
        ordering = ["field"]
        constraints = [
            models.UniqueConstraint(
                fields=["field", "expert"],
                name="expert_field_once",
                violation_error_message=_("The expert already has this field."),
            )
        ]

    def __str__(self):
        return f"{self.expert} · {self.get_field_display()}"


class ExpertGroupQuerySet(ScopedQuerySet):
    def visible_condition(self, scope):
        return Q()

    def editable_condition(self, scope):
        return Q(bureau_id__in=scope.organisation_ids(EDITOR_ROLES)) | managed_region_condition(
            scope
        )


class ExpertGroup(TimeStampedModel):
    """A group a bureau forms for its region; consultations of its fields escalate to it."""

    bureau = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("bureau"),
        on_delete=models.PROTECT,
        related_name="expert_groups",
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=12, choices=GroupKind.choices, default=GroupKind.SERVICE
    )
    # The fields the group covers, a list of MetrologyField values; empty covers every field.
    fields = models.JSONField(_("fields"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    leader = models.ForeignKey(
        Expert,
        verbose_name=_("leader"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    members = models.ManyToManyField(
        Expert, verbose_name=_("members"), related_name="groups", blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ExpertGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert group")
        verbose_name_plural = _("expert groups")
        ordering = ["region__path", "name"]
        indexes = [models.Index(fields=["updated"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("experts:group_detail", args=[self.pk])

    def field_labels(self) -> list[str]:
        return [MetrologyField(code).label for code in self.fields]

    def covers(self, field: str) -> bool:
        return not self.fields or field in self.fields
