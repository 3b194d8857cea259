"""Shared model building blocks: timestamps, the append-only audit trail and rate counts."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiliang.core.scoping import OrganisationScopedQuerySet


class TimeStampedModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AuditEventQuerySet(OrganisationScopedQuerySet):
    # Only an organisation's administrators read its audit trail.
    viewer_roles = frozenset({"admin"})
    regulators_see = False

    def update(self, **kwargs):
        raise ValidationError(_("Audit events are append-only."))

    def delete(self):
        raise ValidationError(_("Audit events are append-only."))


class AuditEvent(models.Model):
    """One change made through a service: who, when, which object, what changed.

    Rows are never updated or deleted; ``core.audit.record`` is the only writer.
    """

    created = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object ID"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["organisation", "-created"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self):
        return f"{self.created:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Audit events are append-only."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Audit events are append-only."))


class RateCount(models.Model):
    """Events counted per key (failed sign-ins of a username from an address, an address's
    public look-ups) since the first of a window; in the database, so that every web process
    sees the same count. ``core.ratelimit`` is the only writer."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    last = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rate count")
        verbose_name_plural = _("rate counts")

    def __str__(self):
        return f"{self.key}: {self.count}"
