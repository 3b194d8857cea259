"""Demo service teams of the Henan province and city bureaus, their visits in 2020 and in the
current year (the demo campaigns' years, so that the counters show figures) and the needs
raised, some met (idempotent: nothing is added once a team exists; through the services)."""

from __future__ import annotations

import random
from datetime import date

from django.contrib.auth import get_user_model
from django.utils import timezone

from jiliang.needs.choices import NeedStatus, NeedTopic, NeedUrgency
from jiliang.needs.models import ServiceTeam
from jiliang.needs.services import fieldwork as services
from jiliang.orgs import services as org_services
from jiliang.orgs.demo import demo_uscc, demo_user
from jiliang.orgs.models import Membership, Organisation, Region

# More enterprises for the teams to visit: (name, region code, serial of the demo code).
ENTERPRISES = [
    ("开封市汴京仪表有限公司", "410205", 961),
    ("开封宏达精细化工有限公司", "410204", 962),
    ("中牟县金穗面业有限公司", "410122", 963),
    ("新郑市华瑞电气有限公司", "410184", 964),
    ("郑州豫通包装材料有限公司", "410105", 965),
]
# Institution staff beside demo-institution: (username, name).
SURVEYORS = [("demo-surveyor", "王芳"), ("demo-surveyor-b", "赵敏")]
# name, bureau's region, who forms it, formed on (year offset: 0 = 2020, 1 = this year),
# leader, members, enterprise names (prefixes).
TEAMS = [
    (
        "省计量院第一服务队",
        "410000",
        "demo-province",
        (2020, 3, 16),
        "demo-institution",
        ["demo-expert", "demo-surveyor"],
        ["郑州恒信", "洛阳华创", "巩义豫丰"],
    ),
    (
        "省计量协会专家服务队",
        "410000",
        "demo-province",
        ("current", 2, 20),
        "demo-expert",
        ["demo-surveyor-b"],
        ["洛阳华创", "开封市汴京", "开封宏达"],
    ),
    (
        "郑州市计量技术服务队（金水）",
        "410100",
        "demo-city",
        (2020, 4, 1),
        "demo-surveyor",
        ["demo-institution", "demo-expert"],
        ["郑州恒信", "郑州豫通", "郑州中原"],
    ),
    (
        "郑州市计量技术服务队（县区）",
        "410100",
        "demo-city",
        ("current", 3, 2),
        "demo-surveyor-b",
        ["demo-expert"],
        ["中牟县", "新郑市", "郑州中原"],
    ),
    (
        "开封市计量技术服务队",
        "410200",
        None,
        ("current", 3, 10),
        "demo-institution",
        ["demo-surveyor-b"],
        ["开封市汴京", "开封宏达"],
    ),
]
FINDINGS = [
    "计量器具台账不全，部分压力表超期未检。",
    "企业无专职计量员，检测设备管理依赖供应商。",
    "关键工序温度测量无溯源记录。",
    "已建立计量管理制度，但未开展内部校准。",
    "电子秤、卡尺等检定合格，台账规范。",
]
SERVICES = ["现场讲解强检目录与备案流程", "协助建立计量器具台账", "现场校准压力表", ""]
NEEDS = [
    (NeedTopic.CALIBRATION, "希望集中送检压力表和温度计，缩短周期。", NeedUrgency.HIGH),
    (NeedTopic.TRAINING, "需要计量员培训名额 2 人。", NeedUrgency.NORMAL),
    (NeedTopic.MMS, "计划建立测量管理体系，需要专家指导。", NeedUrgency.NORMAL),
    (NeedTopic.TESTING, "新产品研发需要尺寸和材料性能检测。", NeedUrgency.HIGH),
    (NeedTopic.POLICY, "咨询能源计量器具配备要求。", NeedUrgency.LOW),
    (NeedTopic.STANDARDS, "希望建立企业最高计量标准。", NeedUrgency.NORMAL),
]
VISITS_PER_TEAM = 6


def load(admin) -> None:
    if ServiceTeam.objects.exists():
        return
    today = timezone.localdate()
    users = _people(admin)
    enterprises = _enterprises(admin)
    rng = random.Random("fieldwork")
    for spec in TEAMS:
        team = _team(admin, users, enterprises, spec, today)
        if team is not None:
            _visits(team, rng, today)


def _people(admin) -> dict:
    institute = Organisation.objects.get(name="河南省计量测试科学研究院")
    for username, name in SURVEYORS:
        user = demo_user(admin, username, name)
        if not Membership.objects.filter(user=user, organisation=institute).exists():
            org_services.membership_add(
                actor=admin, organisation=institute, user=user, role="staff"
            )
    usernames = ["demo-province", "demo-city", "demo-institution", "demo-expert"]
    usernames += [username for username, _name in SURVEYORS]
    users = {
        user.username: user for user in get_user_model().objects.filter(username__in=usernames)
    }
    users[None] = admin
    return users


def _enterprises(admin) -> list[Organisation]:
    for name, code, serial in ENTERPRISES:
        uscc = demo_uscc("91", code, serial)
        if not Organisation.objects.filter(uscc=uscc).exists():
            org_services.organisation_create(
                actor=admin,
                kind="enterprise",
                name=name,
                uscc=uscc,
                region=Region.objects.get(code=code),
                size_class="small",
                industry="C",
            )
    return list(Organisation.objects.filter(kind="enterprise"))


def _day(spec, today: date) -> date:
    year, month, day = spec
    return date(today.year if year == "current" else year, month, day)


def _team(admin, users, enterprises, spec, today):
    name, region_code, username, formed, leader, members, wanted = spec
    formed_on = _day(formed, today)
    if formed_on > today:
        return None
    bureau = Organisation.objects.get(kind="regulator", region__code=region_code)
    return services.team_create(
        actor=users[username],
        bureau=bureau,
        name=name,
        formed_on=formed_on,
        leader=users[leader],
        members=[users[member] for member in members],
        enterprises=[e for e in enterprises if any(e.name.startswith(w) for w in wanted)],
        description="开展“计量服务中小企业行”走访调研与现场技术服务。",
    )


def _visits(team, rng, today) -> None:
    members = [member.user for member in team.members.select_related("user")]
    assigned = [assignment.enterprise for assignment in team.assignments.all()]
    span = date(team.formed_on.year, 12, 20) if team.formed_on.year < today.year else today
    days = sorted(
        team.formed_on + (span - team.formed_on) * rng.random() for _ in range(VISITS_PER_TEAM)
    )
    for number, day in enumerate(days):
        recorder = members[number % len(members)]
        present = [recorder, *rng.sample([m for m in members if m != recorder], 1)]
        services_given = rng.choice(SERVICES)
        raised = rng.sample(NEEDS, rng.randint(0, 2))
        visit = services.visit_create(
            actor=recorder,
            team=team,
            enterprise=assigned[number % len(assigned)],
            members_present=present,
            visited_on=day,
            findings=rng.choice(FINDINGS),
            services_given=services_given,
            service_person_times=len(present) * rng.randint(1, 3) if services_given else 0,
            materials_handed_out=rng.choice([0, 10, 20, 30, 50]),
            needs=[
                {"topic": topic, "description": text, "urgency": urgency}
                for topic, text, urgency in raised
            ],
        )
        for need in visit.needs.all():
            if rng.random() < 0.4:
                services.need_set_status(
                    actor=recorder,
                    need=need,
                    status=NeedStatus.MET,
                    resolution="已安排省计量院上门服务并完成。",
                )
