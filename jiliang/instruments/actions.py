"""What apps above the ledger offer to do with one instrument, as buttons on its phone page
(``views.scan``): the ledger does not import them (architecture.md, "Extension points").

An app registers a provider ``(user, instrument) -> InstrumentAction | None`` from its
``AppConfig.ready()``; ``None`` when the user may not do it. Registering the same provider again
under its key changes nothing (``ready()`` may run twice); another one under a key taken is an
error, as in ``core.dashboards``.

    # jiliang/orders/apps.py
    def ready(self):
        from jiliang.instruments import actions
        from jiliang.orders import instrument_actions

        actions.register("orders.send", instrument_actions.send_for_service, order=20)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise


@dataclass(frozen=True)
class InstrumentAction:
    """A link to a page where the user does something with the instrument."""

    label: str | Promise
    url: str
    icon: str  # a Bootstrap Icons name


@dataclass(frozen=True)
class ActionProvider:
    key: str
    provide: Callable[[object, object], InstrumentAction | None]
    order: int = 100


_providers: dict[str, ActionProvider] = {}


def register(key: str, provide, *, order: int = 100) -> ActionProvider:
    provider = ActionProvider(key=key, provide=provide, order=order)
    existing = _providers.get(key)
    if existing is not None and existing != provider:
        raise ImproperlyConfigured(f"{key!r} is already registered: {existing}.")
    _providers[key] = provider
    return provider


def actions_for(user, instrument) -> list[InstrumentAction]:
    """The actions the registered apps offer ``user`` on ``instrument``, by ``order``."""
    providers = sorted(_providers.values(), key=lambda provider: (provider.order, provider.key))
    offered = (provider.provide(user, instrument) for provider in providers)
    return [action for action in offered if action is not None]
