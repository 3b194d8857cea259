"""Service orders by API: every step from the enterprise's draft to the institution's
certificates, and the institution's queue.

Refusals come in a fixed order: 404 when the order is not yours to see, 403 when you are not
the party who makes this move, 409 when the order's state does not allow it, 400 when the data
breaks a rule (naming the field).

The package by topic: ``reads``, ``changes`` (creating and changing), ``transitions``,
``items`` (results, certificates, attachments, pauses), ``time_limits`` (with the
visits) and ``certificate_settings`` (numbering rule, measurement standards); ``schemas``
holds the shapes, ``common`` the router they all register on and the
lookups they share. The operation ids are the package's (``core.routers.PackageRouter``):
those of the one module it was.
"""

from jiliang.orders.api.common import router

# isort: off
# Imported for their routes, which each module registers on ``router``: in this order, the
# order of the endpoints in the OpenAPI schema. Two methods of one path (GET and POST
# ``/orders``) are on this one router: on two routers, the second would answer 405.
from jiliang.orders.api import (  # noqa: F401
    reads,
    changes,
    transitions,
    items,
    time_limits,
    certificate_settings,
)
# isort: on

__all__ = ["router"]
