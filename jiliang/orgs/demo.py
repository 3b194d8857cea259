"""Demo regions' organisations, users and memberships (idempotent, through the services)."""

from django.contrib.auth import get_user_model
from stdnum.cn import uscc

from jiliang.accounts.services import user_create
from jiliang.orgs import enterprise_services, services
from jiliang.orgs.models import EnterpriseRegistration, Membership, Organisation, Region
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


# The demo enterprises' profiles: figures that give the size class listed above by the SME
# rule, and what a bureau's survey of the enterprise would record.
PROFILES = {
    "hengxin": (
        {
            "industry_code": "34",
            "employees": 85,
            "revenue": 6200,
            "main_products": "精密轴承座、齿轮箱壳体",
            "key_processes": "孔径与形位公差检测；热处理炉温控制",
            "metrology_staff_count": 2,
            "metrology_staff": "张伟（二级注册计量师）；刘芳（计量检定员）",
            "measurement_standards": "量块标准装置（0.5～100 mm）\n数显卡尺校准装置",
            "measurement_system": "building",
        },
        ["专精特新", "出口企业"],
    ),
    "huachuang": (
        {
            "industry_code": "39",
            "employees": 420,
            "revenue": 18000,
            "main_products": "工业控制板卡、传感器模组",
            "key_processes": "贴片回流焊温度曲线；电参数测试",
            "metrology_staff_count": 5,
            "metrology_staff": "计量室5人，其中一级注册计量师1人",
            "measurement_standards": "直流数字电压表检定装置",
            "measurement_system": "certified",
        },
        ["高新技术企业"],
    ),
    "yufeng": (
        {
            "industry_code": "30",
            "employees": 16,
            "revenue": 800,
            "main_products": "高铝耐火砖",
            "key_processes": "窑炉温度测量；原料配比称量",
            "measurement_system": "none",
        },
        [],
    ),
    "zhongyuan-food": (
        {
            "industry_code": "14",
            "employees": 150,
            "revenue": 4200,
            "main_products": "速冻水饺、汤圆",
            "key_processes": "定量包装净含量；冷库温度监测",
            "metrology_staff_count": 1,
            "metrology_staff": "王敏（计量管理员）",
            "measurement_system": "established",
        },
        ["食品安全重点"],
    ),
}

# Self-registrations waiting for a bureau: (name, region code, industry, employees, revenue,
# contact, username)
REGISTRATIONS = [
    ("郑州智测传感技术有限公司", "410105", "40", 35, 900, "孙倩", "demo-applicant-a"),
    ("开封汴梁纺织有限公司", "410202", "17", 60, 2500, "马骏", "demo-applicant-b"),
    ("巩义市恒达铝业有限公司", "410181", "32", 240, 30000, "杜鹏", "demo-applicant-c"),
]


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
    for key, (figures, tags) in PROFILES.items():
        enterprise_services.enterprise_profile_update(
            actor=admin, profile=organisations[key].profile, data=figures, tags=tags
        )
    for serial, registration in enumerate(REGISTRATIONS, 1):
        _registration(serial, *registration)


def _registration(serial, name, region_code, industry_code, employees, revenue, contact, username):
    code = demo_uscc("91", region_code, 800 + serial)
    if EnterpriseRegistration.objects.filter(organisation__uscc=code).exists():
        return
    enterprise_services.enterprise_register(
        name=name,
        uscc=code,
        region=Region.objects.get(code=region_code),
        contact_name=contact,
        contact_phone=f"0371-6100{serial:04d}",
        contact_email=f"{username}@example.com",
        username=username,
        password=DEMO_PASSWORD,
        figures={"industry_code": industry_code, "employees": employees, "revenue": revenue},
        check_password_strength=False,
    )


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
