"""Problems on the permission matrix's world, for the problem tests.

The enterprise of 金水区 (``same_enterprise``) states problems of mechanics; the 郑州市 bureau
(``regulator_above``) triages them. ``expert`` (user ``problem-expert``) is an expert of
mechanics of the institution, in 郑州市; ``far_expert`` (``far-expert``) one of thermal
metrology in 开封市. ``assigned`` is assigned to the institution (``institution``) and the
expert (with a document); ``started`` is in progress at the institution and joined the bureau's
joint ``project`` (with a ``milestone`` and a document); ``proposed`` has a solution the
enterprise may confirm; ``fresh`` is new."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from jiliang.accounts.services import user_create
from jiliang.experts.models import Expert, JointProject, Problem, ProjectMilestone
from jiliang.experts.services import problems as services
from jiliang.experts.services import projects as project_services
from jiliang.experts.services import registry as registry_services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Problems:
    expert: Expert
    far_expert: Expert
    fresh: Problem
    assigned: Problem
    started: Problem
    proposed: Problem
    project: JointProject
    milestone: ProjectMilestone


def pdf(name="记录.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def register_expert(world, username, *, field="mechanics", region_code="410100") -> Expert:
    user = user_create(
        actor=world.users["platform_admin"], username=username, email=f"{username}@example.com"
    )
    return registry_services.expert_register(
        actor=world.users["platform_admin"],
        user=user,
        organisation=world.organisations["institution"],
        region=world.regions[region_code],
        title="高级工程师",
        fields={field: ""},
    )


def state(world, title="压力变送器溯源", **values) -> Problem:
    return services.problem_create(
        actor=world.users["same_enterprise"],
        enterprise=world.enterprise,
        title=title,
        category=values.pop("category", "traceability"),
        field=values.pop("field", "mechanics"),
        description=values.pop("description", "压力变送器无法溯源到上级标准。"),
        **values,
    )


def assign(world, problem, expert=None, **kwargs) -> Problem:
    return services.problem_assign(
        actor=world.users["regulator_above"],
        problem=problem,
        expert=expert,
        institution=kwargs.pop("institution", world.organisations["institution"]),
        target_workdays=kwargs.pop("target_workdays", 10),
        **kwargs,
    )


def propose(world, problem) -> Problem:
    actor = world.users["institution"]
    services.problem_start(actor=actor, problem=problem)
    return services.problem_propose(actor=actor, problem=problem, solution="送省计量院校准。")


def build_problems(world) -> Problems:
    expert = register_expert(world, "problem-expert")
    far_expert = register_expert(world, "far-expert", field="thermal", region_code="410200")
    fresh = state(world, "电子天平偏载")
    assigned = assign(world, state(world, "能源计量器具配备不足", category="energy"), expert)
    services.problem_document_add(
        actor=world.users["same_enterprise"], problem=assigned, file=pdf()
    )
    started = assign(world, state(world, "压力表溯源"))
    services.problem_start(actor=world.users["institution"], problem=started)
    proposed = propose(world, assign(world, state(world, "在线测温")))
    bureau = world.users["regulator_above"]
    project = project_services.project_create(
        actor=bureau,
        bureau=world.organisations["regulator_above"],
        title="压力现场溯源联合攻关",
        goal="研制便携式压力标准。",
        problems=[started],
        institutions=[world.organisations["institution"]],
    )
    milestone = project_services.milestone_add(
        actor=bureau, project=project, title="方案评审", due_on=date(2020, 6, 1)
    )
    project_services.project_document_add(actor=bureau, project=project, file=pdf())
    return Problems(expert, far_expert, fresh, assigned, started, proposed, project, milestone)
