"""The expert registry on the permission matrix's world, for the registry tests.

The institution's admin (``institution``, of 郑州市) is an expert of mechanics; the 郑州市
bureau (``regulator_above``) has formed a group led by them. ``candidate`` is a staff member of
the institution who is no expert yet."""

from __future__ import annotations

from dataclasses import dataclass

from jiliang.accounts.services import user_create
from jiliang.experts.models import Expert, ExpertGroup
from jiliang.experts.services import registry as services
from jiliang.orgs import services as org_services


@dataclass
class Registry:
    expert: Expert
    group: ExpertGroup
    candidate: object


def build_registry(world) -> Registry:
    admin = world.users["platform_admin"]
    institution = world.organisations["institution"]
    expert = services.expert_register(
        actor=world.users["institution"],
        user=world.users["institution"],
        organisation=institution,
        title="高级工程师",
        fields={"mechanics": "压力、力值"},
        committees="全国压力计量技术委员会",
    )
    group = services.group_create(
        actor=world.users["regulator_above"],
        bureau=world.organisations["regulator_above"],
        name="郑州市计量专家服务组",
        fields=["mechanics"],
        members=[expert],
        leader=expert,
    )
    candidate = user_create(
        actor=admin,
        username="candidate",
        email="candidate@example.com",
        first_name="李明",
    )
    org_services.membership_add(actor=admin, organisation=institution, user=candidate, role="staff")
    return Registry(expert=expert, group=group, candidate=candidate)
