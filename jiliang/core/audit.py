"""Writing the audit trail. Services call ``record`` inside their transaction.

Each app names its events in words here, in its ``AppConfig.ready()``; core knows no app above
it, and ``core.audit_display`` reads these registries to show the trail::

    audit.register_event_types({"orders.order.complete": _("Order completed")})
    audit.register_change_labels("orders.order", {"instruments": _("Number of instruments")})

Registering the same label again is harmless (``ready()`` may run twice); another label for a
registered key is an error (two apps claiming one event).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.functional import Promise

from jiliang.core.models import AuditEvent

EVENT_TYPES: dict[str, str | Promise] = {}
CHANGE_LABELS: dict[str, dict[str, str | Promise]] = {}


def register_event_types(labels: dict[str, str | Promise]) -> None:
    """Name events in words: ``{action: label}``, the label a sentence such as "Order completed"."""
    _register(EVENT_TYPES, labels)


def register_change_labels(key: str, labels: dict[str, str | Promise]) -> None:
    """Name the keys of ``changes`` that are no field of the object's model (a count, a reason),
    for the events about ``key``: an object type (``orders.order``) or one action."""
    _register(CHANGE_LABELS.setdefault(key, {}), labels)


def _register(registry: dict, labels: dict) -> None:
    for key, label in labels.items():
        if registry.setdefault(key, label) != label:
            raise ImproperlyConfigured(f"{key!r} is registered with two labels.")


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
