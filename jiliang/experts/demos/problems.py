"""Demo problems of Henan's enterprises in every state (one overdue, one from a visit's need,
one recorded by the bureau) and a joint project with milestones and a document; through the
services, after the experts' demo (idempotent: nothing is added when the first problem exists)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from jiliang.experts.models import Expert, ExpertGroup, Problem
from jiliang.experts.services import problems as services
from jiliang.experts.services import projects as project_services
from jiliang.needs.choices import NeedStatus
from jiliang.needs.models import Need
from jiliang.orgs.models import Organisation

INSTITUTE = "河南省计量测试科学研究院"
ZHENGZHOU, LUOYANG = "410100", "410300"
# key: (enterprise user, title, category, field, urgency, description, tried)
PROBLEMS = {
    "transmitter": (
        "demo-enterprise",
        "压力变送器溯源困难",
        "traceability",
        "mechanics",
        "high",
        "生产线上 40 台 0.1 级压力变送器需要溯源，本地缺少同等级标准装置，"
        "送外校周期长、停线损失大。",
        "联系过两家校准机构，均无法提供现场校准。",
    ),
    "balance": (
        "demo-enterprise",
        "电子天平偏载误差超差",
        "equipment",
        "mechanics",
        "normal",
        "质检室 3 台电子天平偏载检查时四角示值差超过 2e，影响出厂检验结论。",
        "已重新调平并更换防风罩，问题仍在。",
    ),
    "energy": (
        "demo-enterprise",
        "能源计量器具配备不足",
        "energy",
        "electromagnetism",
        "normal",
        "按 GB 17167 自查，二级用能单位电能表配备率不足 80%，不知如何规划补充。",
        "",
    ),
    "furnace": (
        "demo-enterprise-b",
        "热处理炉在线测温偏差大",
        "process",
        "thermal",
        "urgent",
        "热处理炉在线热电偶与校验用标准热电偶示值相差 8 ℃ 以上，产品硬度波动明显。",
        "更换过热电偶，偏差依旧。",
    ),
    "flow": (
        "demo-enterprise-b",
        "蒸汽流量计计量纠纷",
        "energy",
        "thermal",
        "high",
        "与供汽方的蒸汽流量计读数长期相差 6%，双方对计量结果有争议。",
        "双方各自找过检测机构，结论不一致。",
    ),
    "gauge": (
        "demo-enterprise",
        "安全阀压力表检定周期确定",
        "safety",
        "mechanics",
        "low",
        "锅炉安全阀配套压力表的检定周期应如何确定？能否延长到一年？",
        "",
    ),
    "noise": (
        "demo-enterprise-b",
        "车间噪声测量方法不统一",
        "test_method",
        "acoustics",
        "normal",
        "职业健康检查要求测量车间噪声，现有声级计测量位置和方法不统一，结果差异大。",
        "",
    ),
}


def _user(username):
    return get_user_model().objects.get(username=username)


def _enterprise(username) -> Organisation:
    return Organisation.objects.filter(
        kind="enterprise", memberships__user__username=username
    ).first()


def _state(key) -> Problem:
    username, title, category, field, urgency, description, tried = PROBLEMS[key]
    return services.problem_create(
        actor=_user(username),
        enterprise=_enterprise(username),
        title=title,
        category=category,
        field=field,
        urgency=urgency,
        description=description,
        tried=tried,
    )


def load(admin) -> None:
    if Problem.objects.filter(title=PROBLEMS["transmitter"][1]).exists():
        return
    city, province = _user("demo-city"), _user("demo-province")
    expert = Expert.objects.get(user__username="demo-expert")
    institute = Organisation.objects.get(name=INSTITUTE)
    zhengzhou_group = ExpertGroup.objects.filter(region__code=ZHENGZHOU).order_by("pk").first()
    luoyang_group = ExpertGroup.objects.filter(region__code=LUOYANG).order_by("pk").first()
    today = timezone.localdate()

    _state("gauge")  # new, waiting for the city bureau

    transmitter = services.problem_assign(
        actor=city,
        problem=_state("transmitter"),
        expert=expert,
        institution=institute,
        target_workdays=15,
        assignment_reason="省计量院有 0.02 级压力标准装置，刘洋专家熟悉压力变送器。",
    )
    services.problem_start(actor=expert.user, problem=transmitter)

    balance = services.problem_assign(
        actor=city, problem=_state("balance"), group=zhengzhou_group, target_workdays=10
    )
    services.problem_start(actor=zhengzhou_group.leader.user, problem=balance)
    services.problem_propose(
        actor=zhengzhou_group.leader.user,
        problem=balance,
        solution="按 JJG 1036 用 1/3 最大称量的砝码重做偏载检查；调整传感器角差后复测合格，"
        "建议每月用核查砝码做一次期间核查。",
    )
    services.problem_confirm(
        actor=_user("demo-enterprise"),
        problem=balance,
        rating=5,
        comment="专家现场指导，当天解决。",
        case_consent="anonymous",
    )

    # Assigned five weeks ago with a target of ten working days: overdue.
    services.problem_assign(
        actor=city,
        problem=_state("energy"),
        institution=institute,
        target_workdays=10,
        assignment_reason="省计量院承担全省能源计量审查，熟悉 GB 17167。",
        today=today - timedelta(days=35),
    )

    furnace = services.problem_assign(
        actor=province,
        problem=_state("furnace"),
        group=luoyang_group,
        expert=expert,
        target_workdays=10,
        assignment_reason="洛阳专家服务组就近服务，刘洋专家熟悉温度二次仪表。",
    )
    services.problem_start(actor=expert.user, problem=furnace)
    services.problem_propose(
        actor=expert.user,
        problem=furnace,
        solution="在线热电偶插入深度不足且补偿导线型号不匹配：加深至 300 mm，更换 KX 补偿导线，"
        "每季度用标准热电偶比对一次。",
    )

    flow = services.problem_assign(
        actor=province, problem=_state("flow"), institution=institute, target_workdays=20
    )
    services.problem_unsolvable(
        actor=_user("demo-institution"),
        problem=flow,
        reason="需要对供汽方的流量计进行仲裁检定，须由双方共同向市场监管部门申请计量仲裁。",
    )

    services.problem_record(
        actor=province,
        enterprise=_enterprise("demo-enterprise-b"),
        title=PROBLEMS["noise"][1],
        category="test_method",
        field="acoustics",
        description=PROBLEMS["noise"][5],
    )
    _from_need(province)
    _joint_project(province, institute, expert, transmitter)


def _from_need(bureau_user) -> None:
    """An open need a service team raised in a visit becomes a problem."""
    need = (
        Need.objects.filter(visit__isnull=False, status=NeedStatus.OPEN, problems__isnull=True)
        .order_by("pk")
        .first()
    )
    if need is None:
        return
    services.problem_from_need(
        actor=bureau_user, need=need, category="equipment", field="mechanics", urgency="normal"
    )


def _joint_project(province_user, institute, expert, transmitter) -> None:
    bureau = Organisation.objects.get(kind="regulator", region__code="410000")
    mechanics = Expert.objects.get(user__username="expert-mechanics-1")
    project = project_services.project_create(
        actor=province_user,
        bureau=bureau,
        title="中小企业压力仪表现场溯源联合攻关",
        goal="研制可搬运的 0.02 级压力标准装置，为郑州、洛阳两地中小企业的压力变送器提供现场"
        "校准，缩短停线时间。",
        started_on=timezone.localdate() - timedelta(days=60),
        problems=[transmitter],
        institutions=[institute],
        experts=[expert, mechanics],
    )
    today = timezone.localdate()
    first = project_services.milestone_add(
        actor=province_user,
        project=project,
        title="完成需求调研与方案评审",
        due_on=today - timedelta(days=30),
    )
    project_services.milestone_done(
        actor=province_user, milestone=first, done_on=today - timedelta(days=28)
    )
    project_services.milestone_add(
        actor=province_user,
        project=project,
        title="样机研制与比对试验",
        due_on=today + timedelta(days=45),
    )
    project_services.milestone_add(
        actor=province_user,
        project=project,
        title="在 5 家企业现场试用",
        due_on=today + timedelta(days=90),
    )
    project_services.project_document_add(
        actor=province_user,
        project=project,
        file=ContentFile(DEMO_PDF, name="方案.pdf"),
        name="联合攻关实施方案.pdf",
    )


# A minimal one-page PDF: the demo's document.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
