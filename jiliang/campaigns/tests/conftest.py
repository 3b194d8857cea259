"""Fixtures the campaign tests share (services, rollup, selectors, API, views, spreadsheets).

``bureaus`` builds a small reporting line over the reference regions (they exist after the
migrations)::

    河南省 410000           bureau "province"   (the campaign's organiser)
    ├── 郑州市 410100       bureau "zhengzhou"
    │   ├── 中原区 410102   bureau "zhongyuan"
    │   └── 金水区 410105   bureau "jinshui"
    ├── 开封市 410200       bureau "kaifeng"
    └── 巩义市 410181       (province-administered county: regions only, no bureau)

``bureaus.users[name]`` acts for ``bureaus.organisations[name]`` (role admin) for each of the
five names above; ``bureaus.users["viewer"]`` is a *viewer* of the province bureau (sees, may
not act); ``bureaus.users["platform_admin"]`` is a platform administrator (is_staff).
``bureaus.regions`` holds the regions above by the same names plus "nation" and "gongyi".

``campaign`` is the province's monthly 2020 campaign (``campaign_create`` by the province's
user: all active indicators, deadline 10 days after each month).

``bureaus.organisations["institution"]`` is a metrology institution in 郑州市 (no user: the
platform administrator moves orders). ``enterprise_in(bureaus, "jinshui")`` makes an enterprise
in a region (by name or Region); ``completed_order(bureaus, enterprise, on=datetime)`` takes an
order of it through the order services to completed and dates its completion ``on`` (an
approval kind: "standard" = 计量标准考核, which also counts as a standard established), for the
counting tests (a completed order counts its enterprise as helped).

``shared_bureaus``: the same in a database that threads share (``threads_database``), for tests
of two people acting at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from zoneinfo import ZoneInfo

import pytest

from jiliang.accounts.services import user_create
from jiliang.campaigns.models import WHOLE_CAMPAIGN, Figure
from jiliang.orgs import services as org_services
from jiliang.orgs.demo import demo_uscc
from jiliang.orgs.models import Organisation, Region

REGION_CODES = {
    "nation": "000000",
    "province": "410000",
    "zhengzhou": "410100",
    "zhongyuan": "410102",
    "jinshui": "410105",
    "kaifeng": "410200",
    "gongyi": "410181",
}
# 郑州市's districts and counties in the national tree, in table order (巩义市, 410181, reports to
# the province).
ZHENGZHOU_CHILDREN = {
    "410102": "中原区",
    "410103": "二七区",
    "410104": "管城回族区",
    "410105": "金水区",
    "410106": "上街区",
    "410108": "惠济区",
    "410122": "中牟县",
    "410182": "荥阳市",
    "410183": "新密市",
    "410184": "新郑市",
    "410185": "登封市",
}
SHANGHAI = ZoneInfo("Asia/Shanghai")
BUREAUS = ("province", "zhengzhou", "zhongyuan", "jinshui", "kaifeng")
_serials = count(700)


@dataclass
class Bureaus:
    regions: dict[str, Region]
    organisations: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)

    @property
    def admin(self):
        return self.users["platform_admin"]


def build_bureaus() -> Bureaus:
    admin = user_create(
        actor=None,
        username="campaign-admin",
        email="campaign-admin@example.com",
        is_staff=True,
        is_superuser=True,
    )
    regions = {name: Region.objects.get(code=code) for name, code in REGION_CODES.items()}
    bureaus = Bureaus(regions=regions)
    bureaus.users["platform_admin"] = admin
    for name in BUREAUS:
        organisation = org_services.organisation_create(
            actor=admin,
            kind="regulator",
            name=f"{regions[name].name}市场监督管理局",
            uscc=demo_uscc("11", regions[name].code, next(_serials)),
            region=regions[name],
        )
        bureaus.organisations[name] = organisation
        bureaus.users[name] = _member(admin, f"bureau-{name}", organisation, "admin")
    bureaus.users["viewer"] = _member(
        admin, "bureau-viewer", bureaus.organisations["province"], "viewer"
    )
    bureaus.organisations["institution"] = org_services.organisation_create(
        actor=admin,
        kind="institution",
        name="郑州市计量测试所",
        uscc=demo_uscc("12", "410100", next(_serials)),
        region=regions["zhengzhou"],
    )
    return bureaus


def _member(admin, username, organisation, role):
    user = user_create(
        actor=admin,
        username=username,
        email=f"{username}@example.com",
        password="campaign-password-1",
        check_password_strength=False,
    )
    org_services.membership_add(actor=admin, organisation=organisation, user=user, role=role)
    return user


def second_staff(bureaus: Bureaus, region: str):
    """Another staff member of a region's bureau: two people who may act for it at once."""
    return _member(bureaus.admin, f"{region}-staff", bureaus.organisations[region], "staff")


def enterprise_in(bureaus: Bureaus, region, *, name: str = "") -> Organisation:
    """A small enterprise located in ``region`` (a name of ``bureaus.regions`` or a Region)."""
    if isinstance(region, str):
        region = bureaus.regions[region]
    serial = next(_serials)
    return org_services.organisation_create(
        actor=bureaus.admin,
        kind="enterprise",
        name=name or f"{region.name}企业{serial}",
        uscc=demo_uscc("91", region.code, serial),
        region=region,
        size_class="small",
        industry="C",
    )


def completed_order(bureaus: Bureaus, enterprise, *, on: datetime, kind: str = "standard"):
    """An approval order of ``enterprise`` taken to completed through the order services; its
    completion moment is then set to ``on`` (the services stamp the real now). ``updated``
    stays the real now, as for a record just changed."""
    from jiliang.orders import services as order_services
    from jiliang.orders.models import Order

    admin = bureaus.admin
    order = order_services.order_create(
        actor=admin,
        enterprise=enterprise,
        institution=bureaus.organisations["institution"],
        kind=kind,
        service_mode="drop_off",
        contact_name="张伟",
        contact_phone="0371-66668888",
        description="0.02级活塞式压力计标准装置",
    )
    order_services.order_submit(actor=admin, order=order)
    order_services.order_accept(actor=admin, order=order, today=on.date())
    order_services.order_receive(actor=admin, order=order, today=on.date())
    order_services.order_complete(actor=admin, order=order, today=on.date())
    Order.objects.filter(pk=order.pk).update(completed_at=on)
    return Order.objects.get(pk=order.pk)


def at(year, month, day, hour=12, minute=0) -> datetime:
    """A moment in China's time zone (the platform's)."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def bureaus(db) -> Bureaus:
    return build_bureaus()


@pytest.fixture
def shared_bureaus(threads_database) -> Bureaus:
    """``bureaus`` in a database threads share (a transactional test starts empty: the
    reference regions and indicators first)."""
    from jiliang.campaigns.models import Indicator
    from jiliang.campaigns.reference import load_reference_indicators
    from jiliang.orgs.reference import load_reference_regions

    load_reference_regions(Region)
    load_reference_indicators(Indicator)
    return build_bureaus()


@pytest.fixture
def campaign(bureaus):
    from jiliang.campaigns.services import campaign_create

    return campaign_create(
        actor=bureaus.users["province"],
        organiser=bureaus.organisations["province"],
        name="2020年计量服务中小企业行",
        year=2020,
        period_type="monthly",
    )


def counted(campaign, region, code, period=WHOLE_CAMPAIGN, column="counted_own"):
    """The roll-up's counted figure of indicator ``code`` (0 without a row)."""
    row = Figure.objects.filter(
        campaign=campaign, region=region, period=period, indicator__code=code
    ).first()
    return getattr(row, column) if row else 0
