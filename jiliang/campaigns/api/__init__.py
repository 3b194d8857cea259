"""Campaigns by API: campaigns and their periods, quotas (also as xlsx), entered values, the
approval chain of reports, and the roll-ups (table, trend, completeness, xlsx and PDF).

Refusals come in a fixed order: 404 when the campaign, the region or the report is not yours
to see (a regulator sees their own region and those below it), 403 when you see it but do not
act for the bureau concerned, 409 when a report's state does not allow the step (values of a
submitted or approved period are locked: 409 too), 400 when the data breaks a rule (naming the
field: ``period``, ``region``, ``values.<indicator code>``…), 422 when the request does not
match the schema.

The package by topic: ``campaigns`` (campaigns, periods, indicators), ``quotas``, ``values``,
``reports``, ``chasing`` (the regions late to report, 催报) and ``rollups``; ``schemas`` holds the
shapes, ``common`` the router they all register on and the lookups they share. The operation ids
are the package's (``core.routers.PackageRouter``): those of the one module it was.
"""

from jiliang.campaigns.api.common import router

# isort: off
# Imported for their routes, which each module registers on ``router``: in this order, the
# order of the endpoints in the OpenAPI schema.
from jiliang.campaigns.api import campaigns, quotas, values, reports, chasing, rollups  # noqa: F401
# isort: on

__all__ = ["router"]
