"""A service team on the permission matrix's world, for the fieldwork tests.

The 郑州市 regulator (``regulator_above``) forms a team led by the institution's admin
(``institution``: the team's one member) and assigns it the enterprise of 金水区
(``same_enterprise``); the team has visited it once, and the visit raised one open, urgent
need. ``draft_order(world)`` is a draft order of that enterprise to the institution."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jiliang.needs.models import Need, ServiceTeam, Visit
from jiliang.needs.services import fieldwork as services
from jiliang.orders import services as order_services


@dataclass
class Fieldwork:
    team: ServiceTeam
    visit: Visit
    need: Need


def build_fieldwork(world) -> Fieldwork:
    member = world.users["institution"]
    team = services.team_create(
        actor=world.users["regulator_above"],
        bureau=world.organisations["regulator_above"],
        name="金水区服务队",
        formed_on=date(2020, 3, 1),
        leader=member,
        enterprises=[world.enterprise],
    )
    visit = services.visit_create(
        actor=member,
        team=team,
        enterprise=world.enterprise,
        members_present=[member],
        visited_on=date(2020, 3, 10),
        findings="压力表超期未检",
        service_person_times=2,
        materials_handed_out=30,
        needs=[{"topic": "calibration", "description": "集中送检", "urgency": "high"}],
    )
    return Fieldwork(team=team, visit=visit, need=visit.needs.get())


def draft_order(world, enterprise=None):
    return order_services.order_create(
        actor=world.users["platform_admin"],
        enterprise=enterprise or world.enterprise,
        institution=world.organisations["institution"],
        kind="standard",
        service_mode="drop_off",
        contact_name="张伟",
        contact_phone="0371-66668888",
        description="压力计标准装置",
    )
