"""Writing the audit trail. Services call ``record`` inside their transaction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import models

from jiliang.core.models import AuditEvent


def snapshot(instance: models.Model, fields: list[str]) -> dict:
    """The audited fields of ``instance`` as JSON-ready values (foreign keys by id)."""
    return {
        name: _jsonable(getattr(instance, instance._meta.get_field(name).attname))
        for name in fields
    }


def changes_between(before: dict, after: dict) -> dict:
    """``{field: [old, new]}`` for every field whose value differs."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def record(
    *,
    actor,
    action: str,
    instance: models.Model | None = None,
    subject: str = "",
    organisation=None,
    changes=None,
):
    """Append one event about ``instance`` (or, for a change of many rows, about ``subject``);
    ``organisation`` is whose admins may read it."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        organisation=organisation,
        action=action,
        object_type=instance._meta.label_lower if instance is not None else "",
        object_id=str(instance.pk) if instance is not None else "",
        object_repr=str(instance if instance is not None else subject)[:200],
        changes=changes or {},
    )


def _jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
