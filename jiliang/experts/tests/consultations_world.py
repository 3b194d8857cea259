"""Consultations on the permission matrix's world, for the consultation tests.

The institution's admin (``institution``) is the one expert of mechanics when the enterprise of
金水区 (``same_enterprise``) asks three questions, so all three are routed to them: ``private``
(private, open), ``answered`` (private, answered by them) and ``public`` (public, open). Then
``other`` (an expert of the institution, ``expert-b``) registers, and the 郑州市 bureau
(``regulator_above``) forms a mechanics group of ``other``, the group questions escalate to."""

from __future__ import annotations

from dataclasses import dataclass

from jiliang.accounts.services import user_create
from jiliang.experts.models import Consultation, Expert, ExpertGroup
from jiliang.experts.services import consultations as services
from jiliang.experts.services import registry as registry_services


@dataclass
class Consultations:
    expert: Expert
    other: Expert
    group: ExpertGroup
    private: Consultation
    answered: Consultation
    public: Consultation


def register_expert(world, user, field="mechanics") -> Expert:
    return registry_services.expert_register(
        actor=world.users["platform_admin"],
        user=user,
        organisation=world.organisations["institution"],
        title="高级工程师",
        fields={field: "压力"},
    )


def new_user(world, username):
    return user_create(
        actor=world.users["platform_admin"], username=username, email=f"{username}@example.com"
    )


def ask(world, title, *, actor="same_enterprise", public=True, field="mechanics"):
    return services.consultation_ask(
        actor=world.users[actor],
        field=field,
        title=title,
        body="我公司压力表的检定周期应如何确定？",
        is_public=public,
    )


def build_consultations(world) -> Consultations:
    expert = register_expert(world, world.users["institution"])
    private = ask(world, "压力表检定周期", public=False)
    answered = ask(world, "压力变送器校准", public=False)
    services.consultation_reply(
        actor=world.users["institution"], consultation=answered, body="按 JJG 882 校准，周期一年。"
    )
    public = ask(world, "一般压力表的检定周期是多长？")
    other = register_expert(world, new_user(world, "expert-b"))
    group = registry_services.group_create(
        actor=world.users["regulator_above"],
        bureau=world.organisations["regulator_above"],
        name="郑州市力学专家服务组",
        members=[other],
        fields=["mechanics"],
    )
    for consultation in (private, answered, public):
        consultation.refresh_from_db()
    return Consultations(
        expert=expert,
        other=other,
        group=group,
        private=private,
        answered=answered,
        public=public,
    )
