"""Reading the audit trail in words: what happened (the sentence its app registered in
``core.audit``), who did it, and each changed field as *label: old → new* with choices, yes/no,
dates and related objects spelled out.

Storage paths and secrets never show: a file is "uploaded" or "replaced" (with its original
name where the event kept one), and a password or token field is left out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from jiliang.core import audit

EMPTY = "—"
SECRET_PARTS = ("password", "token", "secret", "key_hash")


@dataclass(frozen=True)
class Change:
    field: str  # the key as stored
    label: str
    old: str
    new: str


def describe(events) -> list:
    """``events`` with ``summary``, ``operator``, ``operator_organisation`` and
    ``changed_fields`` set; related objects and the operators' organisations are read once for
    all of them."""
    events = list(events)
    prefetch_related_objects(
        [event.actor for event in events if event.actor is not None], "memberships__organisation"
    )
    related = _related_objects(events)
    for event in events:
        model = _model(event.object_type)
        event.summary = event_label(event.action, model)
        event.operator, event.operator_organisation = _operator(event)
        event.changed_fields = [
            change
            for key, value in event.changes.items()
            if (change := _change(event, model, key, value, related)) is not None
        ]
    return events


def event_label(action: str, model=None) -> str:
    """The registered sentence for ``action``; for an unregistered one, which kind of object
    (or which part of the platform) changed."""
    label = audit.EVENT_TYPES.get(action)
    if label is not None:
        return str(label)
    if model is not None:
        thing = model._meta.verbose_name
    else:
        thing = _app_name(action.split(".")[0]) or _("the platform")
    return _("Other change to %(thing)s") % {"thing": thing}


def event_groups() -> list[tuple[str, str]]:
    """``(app label, its name)`` of every app that registered events, to filter the trail by."""
    labels = {action.split(".")[0] for action in audit.EVENT_TYPES}
    return sorted(((label, _app_name(label) or label) for label in labels), key=lambda g: g[0])


def _app_name(label: str) -> str:
    try:
        return str(apps.get_app_config(label).verbose_name)
    except LookupError:
        return ""


@lru_cache
def _model(object_type: str):
    try:
        return apps.get_model(object_type) if object_type else None
    except (LookupError, ValueError):
        return None


def _field(model, key: str):
    try:
        return model._meta.get_field(key) if model is not None else None
    except FieldDoesNotExist:
        return None


def _operator(event) -> tuple[str, str]:
    actor = event.actor
    if actor is None:  # a job or the reminders run
        return _("System"), ""
    organisations = [membership.organisation for membership in actor.memberships.all()]
    named = [o for o in organisations if o.pk == event.organisation_id] or organisations
    if named:
        return str(actor), "、".join(organisation.name for organisation in named)
    return str(actor), _("Platform administrator") if actor.is_staff else ""


def _is_pair(value) -> bool:
    return isinstance(value, list | tuple) and len(value) == 2


def _change(event, model, key: str, value, related) -> Change | None:
    if any(part in key.lower() for part in SECRET_PARTS):
        return None
    field = _field(model, key)
    label = _label(event, field, key)
    if not _is_pair(value):  # only the field's name was kept
        return Change(key, label, "", _("changed"))
    old, new = value
    if isinstance(field, models.FileField):
        old_text, new_text = _file_texts(old, new)
    else:
        old_text, new_text = _text(old, field, related), _text(new, field, related)
    if old_text == new_text:
        return None
    return Change(key, label, old_text, new_text)


def _label(event, field, key: str) -> str:
    for scope in (event.action, event.object_type):
        label = audit.CHANGE_LABELS.get(scope, {}).get(key)
        if label is not None:
            return str(label)
    verbose_name = getattr(field, "verbose_name", None)
    return str(capfirst(verbose_name)) if verbose_name else key


def _file_texts(old, new) -> tuple[str, str]:
    # A value with a folder in it is where the storage keeps the file: never shown. One without
    # is the name the file was uploaded under.
    name = new if isinstance(new, str) and "/" not in new else ""
    if not new:
        return (_("a file"), _("file removed")) if old else (EMPTY, EMPTY)
    if not old:
        return EMPTY, _("file uploaded: %(name)s") % {"name": name} if name else _("file uploaded")
    return _("earlier file"), (
        _("file replaced: %(name)s") % {"name": name} if name else _("file replaced")
    )


def _text(value, field, related) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, list | tuple):
        return "、".join(_text(item, field, related) for item in value)
    choices = dict(getattr(field, "flatchoices", None) or ())
    if isinstance(value, str | int) and value in choices:
        return str(choices[value])
    if isinstance(field, models.BooleanField) or isinstance(value, bool):
        return _yes_no(value)
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value) if isinstance(value, str) else None
        if moment is None:
            return str(value)
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return format_date(moment, "Y-m-d H:i")
    if isinstance(field, models.DateField):
        day = parse_date(value) if isinstance(value, str) else None
        return format_date(day, "Y-m-d") if day else str(value)
    if isinstance(field, models.ForeignKey) and _is_id(value):
        found = related.get((field.related_model, value))
        return str(found) if found is not None else f"#{value}"
    return str(value)


def _yes_no(value) -> str:
    if value in (True, "True", "true"):
        return _("Yes")
    if value in (False, "False", "false"):
        return _("No")
    return str(value)


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _related_objects(events) -> dict:
    """``{(model, pk): object}`` of every object a foreign key in the events names."""
    wanted = defaultdict(set)
    for event in events:
        model = _model(event.object_type)
        for key, value in event.changes.items():
            field = _field(model, key)
            if isinstance(field, models.ForeignKey) and _is_pair(value):
                wanted[field.related_model].update(v for v in value if _is_id(v))
    return {
        (model, pk): found
        for model, pks in wanted.items()
        for pk, found in model._base_manager.in_bulk(pks).items()
    }
