"""The parts of ``jiliang demo`` that apps above ``core`` contribute.

Each app registers its loader from ``AppConfig.ready()`` by dotted path (imported only when the
demo runs), with an ``order``: a loader may rely on what lower orders created. The orgs' demo
(regions, organisations and users) always runs first, before every registered loader.

    registry.register("things", "jiliang.things.demo.load", order=60)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class DemoLoader:
    key: str
    path: str  # "package.module.function", called with the platform administrator
    order: int

    def load(self, admin) -> None:
        import_string(self.path)(admin)


class DemoRegistry:
    def __init__(self):
        self._loaders: dict[str, DemoLoader] = {}

    def register(self, key: str, path: str, *, order: int) -> DemoLoader:
        """Add an app's demo loader; the same again changes nothing, another under a key taken
        is an error."""
        loader = DemoLoader(key=key, path=path, order=order)
        existing = self._loaders.get(key)
        if existing is not None and existing != loader:
            raise ImproperlyConfigured(f"Demo loader {key!r} is already registered: {existing}.")
        self._loaders[key] = loader
        return loader

    def loaders(self) -> list[DemoLoader]:
        return sorted(self._loaders.values(), key=lambda loader: (loader.order, loader.key))


registry = DemoRegistry()
