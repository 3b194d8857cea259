"""Demo consultations 直通车: questions of the demo enterprises in several fields, answered by
the demo experts (the registry's demo, order 50), some accepted and rated, one followed up, one
still open and one overdue and escalated to its field's group; public and private ones
(idempotent: nothing is added once a demo question exists; through the services)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from jiliang.core.workdays import add_workdays
from jiliang.experts.models import Consultation
from jiliang.experts.services import consultations as services

# asker, field, title, details, public, what happens: (answer, follow-up, rating, comment) —
# None where the thread stops.
QUESTIONS = [
    (
        "demo-enterprise",
        "mechanics",
        "一般压力表的检定周期是多长？",
        "我公司锅炉房和空压站共有 40 余块弹簧管式一般压力表（0–1.6 MPa），"
        "请问检定周期按多长时间确定？是否必须每半年送检一次？",
        True,
        (
            "依据 JJG 52-2013《弹性元件式一般压力表、压力真空表和真空表》，检定周期一般不超过"
            "半年。用于安全防护（如锅炉、压力容器）的压力表属于强制检定范围，应向当地市场监管"
            "部门备案并按期送检；其他用途的可根据使用频率和稳定性由企业自行确定校准间隔，"
            "但建议不超过一年。",
            None,
            5,
            "回答很清楚，已按强检目录整理台账。",
        ),
    ),
    (
        "demo-enterprise",
        "thermal",
        "热电偶校准后修正值怎么用？",
        "校准证书给出了 K 型热电偶在 400 ℃、600 ℃、800 ℃ 的修正值，"
        "我们的工艺温度是 720 ℃，应如何使用修正值？",
        True,
        (
            "可以在相邻两个校准点之间线性内插：720 ℃ 处的修正值≈600 ℃ 修正值 +"
            "（800 ℃ 修正值 − 600 ℃ 修正值）×120/200。使用时把修正值加到仪表示值上。"
            "同时注意证书给出的扩展不确定度，判断是否满足工艺允差。",
            "如果内插后的修正值超过工艺允差的三分之一，是否需要更换热电偶？",
            None,
            None,
        ),
    ),
    (
        "demo-enterprise-b",
        "electromagnetism",
        "电能表现场校验需要什么资质？",
        "我公司有 12 块关口电能表，供电公司说要做现场校验，请问第三方机构需要什么资质？",
        False,
        (
            "关口电能表用于贸易结算，属于强制检定计量器具，应由市场监管部门授权的法定计量"
            "检定机构或授权的计量技术机构检定。现场校验可由具备相应计量授权的机构开展，"
            "出具的检定证书或校准证书上应有授权证书编号。",
            None,
            4,
            "",
        ),
    ),
    (
        "demo-enterprise-b",
        "chemistry",
        "pH 计用哪几种标准缓冲溶液校准？",
        "实验室 pH 计日常测量范围 4–9，应选择哪些标准缓冲溶液做两点校准？",
        True,
        (
            "一般选用 pH 4.00（邻苯二甲酸氢钾）、6.86（混合磷酸盐）和 9.18（硼砂）"
            "三种有证标准物质。测量范围 4–9 时可先用 6.86 定位，再用 4.00 或 9.18 定斜率，"
            "注意温度补偿并记录缓冲溶液的批号和有效期。",
            None,
            None,
            None,
        ),
    ),
    (
        "demo-enterprise",
        "length",
        "游标卡尺可以自己校准吗？",
        "车间有 60 把游标卡尺，能否由我们计量室用量块自行校准，需要什么条件？",
        True,
        None,
    ),
    (
        "demo-enterprise-b",
        "mechanics",
        "电子汽车衡称量不准怎么排查？",
        "50 吨电子汽车衡最近同一辆车两次过磅相差 60 kg，是否需要停用？",
        False,
        None,
    ),
]
# The question left unanswered past its due date (escalated to its field's group).
OVERDUE_TITLE = "电子汽车衡称量不准怎么排查？"


def load(admin) -> None:
    users = get_user_model().objects.in_bulk(
        {question[0] for question in QUESTIONS}, field_name="username"
    )
    if Consultation.objects.filter(title__in=[question[2] for question in QUESTIONS]).exists():
        return
    for asker, field, title, body, public, thread in QUESTIONS:
        if asker not in users:
            continue
        consultation = services.consultation_ask(
            actor=users[asker], field=field, title=title, body=body, is_public=public
        )
        if title == OVERDUE_TITLE:
            _make_overdue(consultation)
        elif thread is not None and consultation.assigned_expert is not None:
            _converse(consultation, *thread)


def _converse(consultation, answer, follow_up, rating, comment) -> None:
    expert_user = consultation.assigned_expert.user
    reply = services.consultation_reply(actor=expert_user, consultation=consultation, body=answer)
    if follow_up:
        services.consultation_reply(
            actor=consultation.asker, consultation=consultation, body=follow_up
        )
    if rating:
        services.consultation_accept(
            actor=consultation.asker,
            consultation=consultation,
            reply=reply,
            rating=rating,
            comment=comment,
        )


def _make_overdue(consultation) -> None:
    """Asked two weeks ago, so that its three working days have passed; then the morning job
    escalates it."""
    today = timezone.localdate()
    asked = timezone.now() - timedelta(days=14)
    Consultation.objects.filter(pk=consultation.pk).update(
        created=asked,
        assigned_at=asked,
        answer_due_on=add_workdays(timezone.localdate(asked), services.ANSWER_WORKDAYS),
    )
    services.escalate_overdue(today=today)
