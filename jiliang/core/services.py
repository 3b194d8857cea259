"""Helpers that every app's services use: scope checks and audited field updates."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from jiliang.core import audit
from jiliang.core.scoping import scope_for


def require_editable(user, instance: models.Model) -> None:
    """404 when ``user`` cannot see ``instance``; 403 when they see it but may not change it."""
    manager = instance._meta.model.objects
    if not manager.editable_by(user).filter(pk=instance.pk).exists():
        if not manager.visible_to(user).filter(pk=instance.pk).exists():
            raise Http404
        raise PermissionDenied(_("You may not change this."))


def require_organisation_role(user, organisation, roles) -> None:
    """404 when ``user`` cannot see ``organisation``; 403 unless they hold one of ``roles`` in it
    (platform administrators may act everywhere)."""
    from jiliang.orgs.models import Organisation

    if not Organisation.objects.visible_to(user).filter(pk=organisation.pk).exists():
        raise Http404
    scope = scope_for(user)
    if not scope.is_platform_admin and organisation.pk not in scope.organisation_ids(roles):
        raise PermissionDenied(
            _("Your role in %(organisation)s does not allow this.") % {"organisation": organisation}
        )


def model_update(
    *, instance: models.Model, data: dict, fields: list[str], save: bool = True
) -> dict:
    """Apply ``data`` to the listed ``fields``, validate, save only what changed (``save``
    False: the caller saves, having derived more fields from these).

    Returns ``{field: [old, new]}`` for the audit trail.
    """
    unknown = set(data) - set(fields)
    if unknown:
        raise ValueError(f"Fields not updatable here: {sorted(unknown)}")
    before = audit.snapshot(instance, list(data))
    for name, value in data.items():
        setattr(instance, name, _as_stored(instance._meta.get_field(name), value))
    changes = audit.changes_between(before, audit.snapshot(instance, list(data)))
    if changes:
        instance.full_clean()
    if changes and save:
        update_fields = list(changes)
        if any(field.name == "updated" for field in instance._meta.fields):
            update_fields.append("updated")
        instance.save(update_fields=update_fields)
    return changes


def _as_stored(field, value):
    """A decimal as its field stores it (6200 is 6200.00 in a field of two places), so that
    setting the same amount again is no change; anything else as given (``full_clean`` then
    refuses what is wrong)."""
    if not isinstance(field, models.DecimalField) or value in (None, ""):
        return value
    try:
        return field.to_python(value).quantize(Decimal(1).scaleb(-field.decimal_places))
    except (ValidationError, InvalidOperation):
        return value
