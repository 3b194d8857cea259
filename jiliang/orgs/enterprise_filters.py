"""Filters other apps add to the regulators' enterprise search (page and API).

An app registers from its ``AppConfig.ready()``::

    from jiliang.orgs import enterprise_filters

    enterprise_filters.register(
        "never_visited", _("Never visited"), lambda enterprises, value: enterprises.exclude(...)
    )

``apply(queryset, value)`` narrows a queryset of enterprises (``Organisation`` rows, already
restricted to what the user sees) by the query parameter named ``key``. Without ``choices`` the
filter is a yes/no box and is applied only when ticked (value ``"1"``); with ``choices`` it is a
list and applied when a choice is made. Registering the same filter again changes nothing;
something else under a key taken (or a key of the search's own) is an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils.functional import Promise

# The search's own parameters (and the pages'), which no registered filter may take.
RESERVED = frozenset(
    {
        "q",
        "uscc",
        "region",
        "section",
        "division",
        "size",
        "tags",
        "sort",
        "page",
        "limit",
        "offset",
    }
)
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
TICKED = "1"


@dataclass(frozen=True)
class EnterpriseFilter:
    key: str
    label: str | Promise
    apply: Callable[[QuerySet, str], QuerySet]
    choices: tuple[tuple[str, str | Promise], ...] | None = None
    order: int = 100

    def accepts(self, value: str) -> bool:
        if self.choices is None:
            return value == TICKED
        return value in {choice for choice, _label in self.choices}


_filters: dict[str, EnterpriseFilter] = {}


def register(key, label, apply, *, choices=None, order: int = 100) -> EnterpriseFilter:
    if not KEY.match(key) or key in RESERVED:
        raise ImproperlyConfigured(f"{key!r} cannot name an enterprise filter.")
    entry = EnterpriseFilter(
        key=key,
        label=label,
        apply=apply,
        choices=tuple(choices) if choices is not None else None,
        order=order,
    )
    existing = _filters.get(key)
    if existing is not None and existing != entry:
        raise ImproperlyConfigured(f"{key!r} is already registered: {existing}.")
    _filters[key] = entry
    return entry


def unregister(key: str) -> None:
    """Remove a filter (tests)."""
    _filters.pop(key, None)


def registered() -> list[EnterpriseFilter]:
    return sorted(_filters.values(), key=lambda entry: (entry.order, entry.key))


def apply_filters(enterprises: QuerySet, values) -> QuerySet:
    """``enterprises`` narrowed by every registered filter ``values`` (a mapping of query
    parameters) gives an accepted value for; other values are left out."""
    for entry in registered():
        value = values.get(entry.key, "")
        if value and entry.accepts(value):
            enterprises = entry.apply(enterprises, value)
    return enterprises
