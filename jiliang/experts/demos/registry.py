"""Demo experts of seven fields of metrology at Henan's institutions, demo-expert among them,
and the expert groups of the province, 郑州 and 洛阳 (idempotent: what exists is left alone;
through the services)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from jiliang.experts.models import Expert, ExpertGroup
from jiliang.experts.services import registry as services
from jiliang.orgs import services as org_services
from jiliang.orgs.demo import demo_uscc, demo_user
from jiliang.orgs.models import Membership, Organisation, Region

# The orgs demo's organisations the experts work for, by key.
EXISTING = {"institute": "河南省计量测试科学研究院", "association": "河南省计量协会"}
# Created if missing. key: (kind, name, region code, organisation code part, serial)
ORGANISATIONS = {
    "zhengzhou": ("institution", "郑州市计量测试所", "410100", "12", 971),
    "luoyang": ("institution", "洛阳市计量测试所", "410300", "12", 972),
    "luoyang-bureau": ("regulator", "洛阳市市场监督管理局", "410300", "11", 973),
}
PRESSURE = "全国压力计量技术委员会"
TEMPERATURE = "全国温度计量技术委员会"
FORCE = "全国力值硬度计量技术委员会"
# username, name, organisation, title, {field: specialties}, committees
EXPERTS = [
    (
        "expert-mechanics-1",
        "张建国",
        "institute",
        "正高级工程师",
        {"mechanics": "压力、力值、硬度"},
        [PRESSURE, FORCE],
    ),
    ("expert-mechanics-2", "李秀英", "zhengzhou", "高级工程师", {"mechanics": "质量、衡器"}, []),
    ("expert-mechanics-3", "马强", "luoyang", "高级工程师", {"mechanics": "力值、扭矩"}, [FORCE]),
    (
        "expert-thermal-1",
        "王海峰",
        "institute",
        "正高级工程师",
        {"thermal": "温度、热工仪表、热量表"},
        [TEMPERATURE],
    ),
    (
        "expert-thermal-2",
        "刘春梅",
        "luoyang",
        "高级工程师",
        {"thermal": "工业热电偶、温湿度", "mechanics": "压力"},
        [],
    ),
    (
        "expert-length-1",
        "陈志强",
        "zhengzhou",
        "高级工程师",
        {"length": "量块、三坐标测量、几何量"},
        ["全国几何量长度计量技术委员会"],
    ),
    ("expert-length-2", "杨帆", "association", "教授", {"length": "形位公差、表面粗糙度"}, []),
    (
        "expert-electromagnetism-1",
        "赵丽华",
        "institute",
        "正高级工程师",
        {"electromagnetism": "电能表、互感器、直流电阻"},
        ["全国电磁计量技术委员会"],
    ),
    (
        "expert-electromagnetism-2",
        "孙伟",
        "luoyang",
        "高级工程师",
        {"electromagnetism": "数字多用表、电参数测试"},
        [],
    ),
    (
        "expert-chemistry-1",
        "周敏",
        "institute",
        "正高级工程师",
        {"chemistry": "气体分析、pH 计、标准物质"},
        ["全国物理化学计量技术委员会"],
    ),
    ("expert-chemistry-2", "吴晓东", "association", "教授", {"chemistry": "水质分析、色谱"}, []),
    (
        "expert-acoustics-1",
        "郑磊",
        "zhengzhou",
        "高级工程师",
        {"acoustics": "噪声、声级计、听力计"},
        ["全国声学计量技术委员会"],
    ),
    (
        "expert-optics-1",
        "徐静",
        "institute",
        "高级工程师",
        {"optics": "光度、色度、光辐射"},
        ["全国光学计量技术委员会"],
    ),
]
DEMO_EXPERT = (
    "demo-expert",
    "刘洋",
    "association",
    "高级工程师",
    {"mechanics": "压力表、力值", "thermal": "温度二次仪表"},
    [PRESSURE, TEMPERATURE],
)
AWAY = "expert-thermal-2"  # unavailable for the next ten days
# name, kind, bureau key, who forms it, fields, members, leader
GROUPS = [
    (
        "河南省计量专家服务组",
        "service",
        "henan",
        "demo-province",
        [],
        [
            "expert-mechanics-1",
            "expert-thermal-1",
            "expert-electromagnetism-1",
            "expert-chemistry-1",
        ],
        "expert-mechanics-1",
    ),
    (
        "郑州市计量专家服务组",
        "service",
        "zhengzhou-bureau",
        "demo-city",
        ["length", "thermal", "mechanics", "acoustics"],
        ["expert-mechanics-2", "expert-length-1", "expert-acoustics-1", "demo-expert"],
        "expert-length-1",
    ),
    (
        "洛阳市技术帮扶小组",
        "assistance",
        "luoyang-bureau",
        None,
        ["thermal", "mechanics", "electromagnetism"],
        ["expert-thermal-2", "expert-mechanics-3", "expert-electromagnetism-2"],
        "expert-electromagnetism-2",
    ),
]
BUREAUS = {"henan": "410000", "zhengzhou-bureau": "410100", "luoyang-bureau": "410300"}


def load(admin) -> None:
    organisations = {key: Organisation.objects.get(name=name) for key, name in EXISTING.items()}
    organisations |= {key: _organisation(admin, key) for key in ORGANISATIONS}
    for spec in [*EXPERTS, DEMO_EXPERT]:
        _expert(admin, organisations, *spec)
    away = Expert.objects.get(user__username=AWAY)
    if away.is_available:
        services.expert_set_availability(
            actor=away.user,
            expert=away,
            is_available=False,
            unavailable_until=timezone.localdate() + timedelta(days=10),
        )
    for spec in GROUPS:
        _group(admin, *spec)


def _bureau(region_code: str) -> Organisation | None:
    return (
        Organisation.objects.filter(kind="regulator", region__code=region_code, is_active=True)
        .order_by("pk")
        .first()
    )


def _organisation(admin, key: str) -> Organisation:
    kind, name, region_code, prefix, serial = ORGANISATIONS[key]
    if kind == "regulator":
        existing = _bureau(region_code)
    else:
        existing = Organisation.objects.filter(kind=kind, name=name).first()
    if existing:
        return existing
    return org_services.organisation_create(
        actor=admin,
        kind=kind,
        name=name,
        uscc=demo_uscc(prefix, region_code, serial),
        region=Region.objects.get(code=region_code),
        address=name[:3],
        contact_phone=f"0379-6900{serial:04d}",
        contact_email=f"contact{serial}@example.com",
    )


def _expert(admin, organisations, username, name, key, title, fields, committees) -> None:
    user = demo_user(admin, username, name)
    if Expert.objects.filter(user=user).exists():
        return
    organisation = organisations[key]
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        org_services.membership_add(
            actor=admin, organisation=organisation, user=user, role="expert"
        )
    services.expert_register(
        actor=admin,
        user=user,
        organisation=organisation,
        title=title,
        fields=fields,
        committees="\n".join(committees),
        biography=f"{organisation.name}{title}，长期从事计量检定、校准和技术服务工作。",
    )


def _group(admin, name, kind, bureau_key, username, fields, members, leader) -> None:
    bureau = _bureau(BUREAUS[bureau_key])
    if ExpertGroup.objects.filter(bureau=bureau, name=name).exists():
        return
    experts = {e.user.username: e for e in Expert.objects.select_related("user")}
    actor = get_user_model().objects.get(username=username) if username else admin
    services.group_create(
        actor=actor,
        bureau=bureau,
        name=name,
        kind=kind,
        fields=fields,
        members=[experts[member] for member in members],
        leader=experts[leader],
        description=f"{bureau.name}组建，面向{bureau.region.name}中小企业开展计量技术帮扶。",
    )
