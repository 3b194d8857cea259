"""Routers of an API split over the modules of a package (``jiliang.orders.api``, one module per
topic, their routers added to the package's ``router``).

django-ninja names an operation after its function's module (``jiliang_orders_api_order_list``
for ``order_list`` of ``jiliang.orders.api``): moved into ``jiliang.orders.api.reads``, it would
become ``jiliang_orders_api_reads_order_list``. The OpenAPI operation ids are what generated
clients call their methods, so a ``PackageRouter`` names its operations after the package
instead: the ids stay those of the one module the package was, whichever module a route is in.
"""

from __future__ import annotations

from ninja import Router


class PackageRouter(Router):
    """A router for one module of ``package`` (pass ``__package__``): an operation without an
    explicit ``operation_id`` is named ``<package>_<function>``, dots as underscores."""

    def __init__(self, package: str, **kwargs):
        super().__init__(**kwargs)
        self.operation_id_prefix = package.replace(".", "_")

    def add_api_operation(self, path, methods, view_func, *, operation_id=None, **kwargs):
        super().add_api_operation(
            path,
            methods,
            view_func,
            operation_id=operation_id or f"{self.operation_id_prefix}_{view_func.__name__}",
            **kwargs,
        )
