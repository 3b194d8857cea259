"""What other apps offer to do with a need, shown on the need's page (the needs app knows none
of them).

An app registers from its ``AppConfig.ready()``::

    from jiliang.needs import need_actions

    need_actions.register(
        need_actions.NeedAction("problem", _("Turn into a problem for the experts"), url_for)
    )

``url_for(user, need)`` gives the page that takes the need further, or None when the user may
not (or the need was already taken there). Registering the same action again changes nothing;
another action under a key taken is an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise


@dataclass(frozen=True)
class NeedAction:
    key: str
    label: str | Promise
    url_for: Callable[..., str | None]
    order: int = 100


_ACTIONS: dict[str, NeedAction] = {}


def register(action: NeedAction) -> NeedAction:
    existing = _ACTIONS.get(action.key)
    if existing is not None and existing != action:
        raise ImproperlyConfigured(f"The need action {action.key!r} is already registered.")
    _ACTIONS[action.key] = action
    return action


def offered(user, need) -> list[tuple[str | Promise, str]]:
    """(label, url) of the actions the user may take with the need, in order."""
    links = []
    for action in sorted(_ACTIONS.values(), key=lambda action: (action.order, action.key)):
        url = action.url_for(user, need)
        if url:
            links.append((action.label, url))
    return links
