"""The knowledge base on the permission matrix's world, for the knowledge tests.

The 郑州市 bureau (``regulator_above``) publishes ``entry`` (一般压力表的检定周期是多长？) and
keeps ``draft`` unpublished; the enterprise of 金水区 (``same_enterprise``, a small
manufacturer) has ``solved`` (agreed to publish it anonymised) and ``named`` (published with
its name: ``case``); ``consultation`` is its public question with an accepted answer."""

from __future__ import annotations

from dataclasses import dataclass

from jiliang.experts.models import Consultation, KnowledgeEntry, Problem, TypicalCase
from jiliang.experts.services import consultations as consultation_services
from jiliang.experts.services import knowledge as services
from jiliang.experts.services import problems as problem_services
from jiliang.experts.tests.consultations_world import register_expert as consultation_expert
from jiliang.experts.tests.problems_world import assign, propose, state

PRESSURE_GAUGE = "一般压力表的检定周期是多长？"
PRESSURE_GAUGE_ANSWER = (
    "依据JJG 52-2013《弹性元件式一般压力表、压力真空表和真空表》，一般压力表的检定周期"
    "一般不超过6个月。用于安全防护的压力表属于强制检定，须按期送检。"
)


@dataclass
class Knowledge:
    entry: KnowledgeEntry
    draft: KnowledgeEntry
    solved: Problem
    named: Problem
    case: TypicalCase
    consultation: Consultation


def solve(world, title, consent) -> Problem:
    problem = propose(world, assign(world, state(world, title)))
    return problem_services.problem_confirm(
        actor=world.users["same_enterprise"], problem=problem, rating=5, case_consent=consent
    )


def answered_consultation(world) -> Consultation:
    consultation_expert(world, world.users["institution"], field="thermal")
    consultation = consultation_services.consultation_ask(
        actor=world.users["same_enterprise"],
        field="thermal",
        title="热电偶需要多久校准一次？",
        body="车间用K型热电偶测炉温。",
    )
    consultation.refresh_from_db()
    if consultation.assigned_expert is None:
        raise AssertionError("no expert of the field in the world")
    reply = consultation_services.consultation_reply(
        actor=consultation.assigned_expert.user,
        consultation=consultation,
        body="工作用热电偶一般半年到一年校准一次，按使用频次确定。",
    )
    return consultation_services.consultation_accept(
        actor=world.users["same_enterprise"], consultation=consultation, reply=reply, rating=5
    )


def build_knowledge(world) -> Knowledge:
    bureau = world.users["regulator_above"]
    entry = services.knowledge_entry_create(
        actor=bureau, question=PRESSURE_GAUGE, answer=PRESSURE_GAUGE_ANSWER, field="mechanics"
    )
    draft = services.knowledge_entry_create(
        actor=bureau, question="草稿：衡器的检定", answer="尚未写完。", is_published=False
    )
    solved = solve(world, "压力变送器溯源", "anonymous")
    named = solve(world, "电子天平偏载", "named")
    case = services.typical_case_publish(actor=bureau, problem=named)
    return Knowledge(entry, draft, solved, named, case, answered_consultation(world))
