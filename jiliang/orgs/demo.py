"""Demo regions' organisations, users and memberships (idempotent, through the services)."""

from django.contrib.auth import get_user_model
from stdnum.cn import uscc

from jiliang.accounts.services import user_create
from jiliang.orgs import services
from jiliang.orgs.models import Membership, Organisation, Region
from jiliang.orgs.reference import load_reference_regions

DEMO_PASSWORD = "jiliang-demo"

# (username, full name, organisation key, role)
USERS = [
    ("demo-enterprise", "张伟", "hengxin", "admin"),
    ("demo-enterprise-b", "李娜", "huachuang", "admin"),
    ("demo-institution", "王强", "institute", "admin"),
    ("demo-expert", "刘洋", "association", "expert"),
    ("demo-city", "陈静", "zhengzhou-bureau", "admin"),
    ("demo-province", "赵磊", "henan-bureau", "admin"),
]

# key: (kind, name, region code, organisation code part, size class, industry, address)
ORGANISATIONS = {
    "henan-bureau": (
        "regulator",
        "河南省市场监督管理局",
        "410000",
        "11",
        "",
        "",
        "郑州市金水区花园路",
    ),
    "zhengzhou-bureau": (
        "regulator",
        "郑州市市场监督管理局",
        "410100",
        "11",
        "",
        "",
        "郑州市中原区",
    ),
    "kaifeng-bureau": ("regulator", "开封市市场监督管理局", "410200", "11", "", "", "开封市龙亭区"),
    "gongyi-bureau": ("regulator", "巩义市市场监督管理局", "410181", "11", "", "", "巩义市新华路"),
    "institute": (
        "institution",
        "河南省计量测试科学研究院",
        "410000",
        "12",
        "",
        "",
        "郑州市金水区",
    ),
    "association": ("association", "河南省计量协会", "410000", "51", "", "", "郑州市金水区"),
    "hengxin": (
        "enterprise",
        "郑州恒信精密机械有限公司",
        "410105",
        "91",
        "small",
        "C",
        "郑州市金水区",
    ),
    "huachuang": (
        "enterprise",
        "洛阳华创电子科技有限公司",
        "410300",
        "91",
        "medium",
        "C",
        "洛阳市涧西区",
    ),
    "yufeng": (
        "enterprise",
        "巩义豫丰耐材有限公司",
        "410181",
        "91",
        "micro",
        "C",
        "巩义市孝义街道",
    ),
    "zhongyuan-food": (
        "enterprise",
        "郑州中原食品有限公司",
        "410102",
        "91",
        "small",
        "C",
        "郑州市中原区",
    ),
}


def demo_uscc(prefix: str, region_code: str, serial: int) -> str:
    """A well-formed code with a correct check digit (not a real organisation's)."""
    base = f"{prefix}{region_code}MA{serial:07d}"
    return base + uscc.calc_check_digit(base + "0")


def load(admin) -> None:
    load_reference_regions(Region)
    organisations = {
        key: _organisation(admin, key, serial) for serial, key in enumerate(ORGANISATIONS, 1)
    }
    for username, full_name, organisation_key, role in USERS:
        user = demo_user(admin, username, full_name)
        organisation = organisations[organisation_key]
        if not Membership.objects.filter(user=user, organisation=organisation).exists():
            services.membership_add(actor=admin, organisation=organisation, user=user, role=role)


def _organisation(admin, key: str, serial: int) -> Organisation:
    kind, name, region_code, prefix, size_class, industry, address = ORGANISATIONS[key]
    code = demo_uscc(prefix, region_code, serial)
    existing = Organisation.objects.filter(uscc=code).first()
    if existing:
        return existing
    return services.organisation_create(
        actor=admin,
        kind=kind,
        name=name,
        uscc=code,
        region=Region.objects.get(code=region_code),
        address=address,
        contact_name="",
        contact_phone="0371-6000" + f"{serial:04d}",
        contact_email=f"contact{serial}@example.com",
        size_class=size_class,
        industry=industry,
    )


def demo_user(admin, username: str, full_name: str):
    existing = get_user_model().objects.filter(username=username).first()
    return existing or user_create(
        actor=admin,
        username=username,
        email=f"{username}@example.com",
        password=DEMO_PASSWORD,
        check_password_strength=False,
        first_name=full_name,
    )
