"""Shared model building blocks: timestamps, the append-only audit trail, rate counts and
documents made in the background."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiliang.core.scoping import OrganisationScopedQuerySet, ScopedQuerySet


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


class DocumentJobQuerySet(ScopedQuerySet):
    """A document made in the background is its requester's: only they see and download it."""

    def visible_condition(self, scope):
        return Q(created_by_id=scope.user_id)

    editable_condition = visible_condition


def document_path(job, filename: str) -> str:
    return f"documents/{job.created_by_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class DocumentJob(models.Model):
    """A large document (labels of many instruments…) made by a background job: its progress,
    then the file to download. ``kind`` names a ``core.documents`` registration, which makes the
    file from ``parameters``."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    created = models.DateTimeField(_("time"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.CASCADE,
        related_name="document_jobs",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    started = models.DateTimeField(_("started"), null=True, blank=True, editable=False)
    file = models.FileField(_("file"), upload_to=document_path, blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = DocumentJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["status", "started"])]

    def __str__(self):
        return f"{self.title} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("core:document_job", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
