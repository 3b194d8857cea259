"""Reference regions: the national tree of administrative divisions under 全国 (000000).

``fixtures/regions.csv`` holds every province-, prefecture- and county-level unit of the
Ministry of Civil Affairs' list (GB/T 2260 codes), each with its parent by code and its centre;
``fixtures/README.md`` says where they come from and of which date. The tree follows the
reporting line: a region goes under its parent by code unless ``fixtures/reporting-exceptions.csv``
names the region it reports to instead (Henan's 10 province-administered counties (省直管县)
and 济源示范区 report to 河南省), with the name and level the platform gives it.
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REGION_TABLE = FIXTURES / "regions.csv"
REPORTING_EXCEPTIONS = FIXTURES / "reporting-exceptions.csv"
# Attachment 1 of the Henan 2020 notice: the 28 regions' quotas (the campaigns' reference file).
QUOTA_TABLE = FIXTURES / "henan-2020-quota.csv"


@dataclass(frozen=True)
class ReferenceRegion:
    code: str
    name: str
    level: str
    reports_to: str  # the code of the region it reports to; "" for the root
    longitude: float | None
    latitude: float | None


@dataclass(frozen=True)
class Loaded:
    created: int
    updated: int


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def reference_regions(
    table: Path = REGION_TABLE, exceptions: Path = REPORTING_EXCEPTIONS
) -> tuple[ReferenceRegion, ...]:
    """The table's regions with the reporting-line exceptions applied, each after the region
    it reports to."""
    with exceptions.open(encoding="utf-8") as rows:
        exception_by_code = {row["code"]: row for row in csv.DictReader(rows)}
    regions = {}
    with table.open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            exception = exception_by_code.pop(row["code"], {})
            regions[row["code"]] = ReferenceRegion(
                code=row["code"],
                name=exception.get("name") or row["name"],
                level=exception.get("level") or row["level"],
                reports_to=exception.get("reports_to_code") or row["parent_code"],
                longitude=_number(row["longitude"]),
                latitude=_number(row["latitude"]),
            )
    if exception_by_code:
        raise ValueError(
            f"{exceptions.name}: codes not in {table.name}: {sorted(exception_by_code)}"
        )
    ordered, placed = [], set()
    remaining = list(regions.values())
    while remaining:
        ready = [
            region for region in remaining if not region.reports_to or region.reports_to in placed
        ]
        if not ready:
            raise ValueError(
                "regions reporting to no known region, or in a circle: "
                + ", ".join(f"{region.code} → {region.reports_to}" for region in remaining[:10])
            )
        ordered += ready
        placed.update(region.code for region in ready)
        remaining = [region for region in remaining if region.code not in placed]
    return tuple(ordered)


def load_reference_regions(
    region_model, *, table: Path = REGION_TABLE, exceptions: Path = REPORTING_EXCEPTIONS
) -> Loaded:
    """Create the reference regions that are missing, and bring the names and centres of the
    others up to date; running it again changes nothing.

    ``region_model`` may be a migration's historical model: only the fields code, name, level,
    parent, path, longitude and latitude are used. A region already stored keeps its id, level,
    parent and path (a platform administrator may have moved it: it is not moved back), and
    keeps its centre where the table has none; stored regions the table lacks are left alone.
    A new region goes under the region it reports to, stored or new, with that region's path.
    One query reads what is stored; the new regions are written one depth of the tree at a time.
    """
    regions = reference_regions(table, exceptions)
    stored = {region.code: region for region in region_model.objects.all()}
    changed = []
    for reference in regions:
        region = stored.get(reference.code)
        if region is None:
            continue
        wanted = {"name": reference.name}
        if reference.longitude is not None:
            wanted |= {"longitude": reference.longitude, "latitude": reference.latitude}
        if any(getattr(region, field) != value for field, value in wanted.items()):
            for field, value in wanted.items():
                setattr(region, field, value)
            changed.append(region)
    region_model.objects.bulk_update(changed, ["name", "longitude", "latitude"], batch_size=500)

    missing = [reference for reference in regions if reference.code not in stored]
    created = 0
    while missing:
        # The regions whose parent is stored by now: a depth of the tree (the parents came first).
        ready = [
            reference
            for reference in missing
            if not reference.reports_to or reference.reports_to in stored
        ]
        if not ready:
            raise ValueError(f"no region to place {missing[0].code} under")
        new = []
        for reference in ready:
            parent = stored.get(reference.reports_to)
            new.append(
                region_model(
                    code=reference.code,
                    name=reference.name,
                    level=reference.level,
                    parent=parent,
                    path=f"{parent.path if parent else '/'}{reference.code}/",
                    longitude=reference.longitude,
                    latitude=reference.latitude,
                )
            )
        region_model.objects.bulk_create(new, batch_size=500)
        if any(region.pk is None for region in new):  # a database that returns no ids
            ids = dict(
                region_model.objects.filter(code__in=[region.code for region in new]).values_list(
                    "code", "pk"
                )
            )
            for region in new:
                region.pk = ids[region.code]
        stored |= {region.code: region for region in new}
        created += len(new)
        missing = [reference for reference in missing if reference.code not in stored]
    return Loaded(created=created, updated=len(changed))
