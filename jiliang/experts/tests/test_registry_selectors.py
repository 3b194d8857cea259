"""Reads of the registry: the list's filters, the round-robin order questions are routed in,
the groups a question escalates to (nearest first), and what an expert solved and answered."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jiliang.accounts.services import user_create
from jiliang.experts.choices import ProblemState
from jiliang.experts.models import Consultation, ConsultationReply, Expert, ExpertGroup, Problem
from jiliang.experts.selectors import registry as selectors
from jiliang.experts.services import registry as services
from jiliang.orgs.models import Region


def region(code):
    return Region.objects.get(code=code)


@pytest.fixture
def world(matrix_world):
    """Three experts of mechanics (郑州市, 金水区, 开封市) and one of thermal (河南省)."""
    admin = matrix_world.users["platform_admin"]
    institution = matrix_world.organisations["institution"]
    experts = {}
    for username, code, field, specialties in [
        ("zz", "410100", "mechanics", "压力"),
        ("js", "410105", "mechanics", "衡器"),
        ("kf", "410200", "mechanics", "扭矩"),
        ("hn", "410000", "thermal", "热电偶"),
    ]:
        user = user_create(
            actor=admin, username=username, email=f"{username}@example.com", first_name=username
        )
        experts[username] = services.expert_register(
            actor=admin,
            user=user,
            organisation=institution,
            region=region(code),
            title="高级工程师",
            fields={field: specialties},
        )
    matrix_world.experts = experts
    return matrix_world


def test_routable_experts_take_turns_never_routed_first(world):
    zz, js, kf = (world.experts[name] for name in ("zz", "js", "kf"))
    now = timezone.now()
    Expert.objects.filter(pk=zz.pk).update(last_routed=now - timedelta(hours=1))
    Expert.objects.filter(pk=kf.pk).update(last_routed=now - timedelta(hours=2))
    assert list(selectors.routable_experts("mechanics")) == [js, kf, zz]
    assert list(selectors.routable_experts("thermal")) == [world.experts["hn"]]
    assert list(selectors.routable_experts("optics")) == []


def test_routable_experts_are_the_available_ones(world):
    js, kf = world.experts["js"], world.experts["kf"]
    Expert.objects.filter(pk=js.pk).update(is_available=False)
    Expert.objects.filter(pk=kf.pk).update(
        is_available=False, unavailable_until=timezone.localdate() - timedelta(days=1)
    )
    assert set(selectors.routable_experts("mechanics")) == {world.experts["zz"], kf}


def test_routable_experts_of_a_region_are_those_below_and_above_it(world):
    near = selectors.routable_experts("mechanics", region("410105"))
    assert set(near) == {world.experts["zz"], world.experts["js"]}
    city = selectors.routable_experts("mechanics", region("410100"))
    assert set(city) == {world.experts["zz"], world.experts["js"]}
    assert set(selectors.routable_experts("thermal", region("410200"))) == {world.experts["hn"]}


def group(world, name, code, fields, active=True):
    return ExpertGroup.objects.create(
        bureau=world.organisations["regulator_above"],
        region=region(code),
        name=name,
        fields=fields,
        is_active=active,
    )


def test_groups_for_escalation_are_the_nearest_first(world):
    province = group(world, "省组", "410000", [])
    city = group(world, "市组", "410100", ["thermal", "mechanics"])
    group(world, "区组热工", "410105", ["thermal"])
    group(world, "停用", "410105", ["mechanics"], active=False)
    group(world, "开封", "410200", ["mechanics"])
    assert list(selectors.groups_for_escalation("mechanics", region("410105"))) == [
        city,
        province,
    ]
    assert selectors.groups_for_escalation("optics", region("410105")).first() == province
    assert list(selectors.groups_for_escalation("mechanics", region("410000"))) == [province]
    assert selectors.groups_for_escalation("mechanics", None).first() == province


def test_the_list_filters_by_field_region_availability_and_text(world):
    user = world.users["same_enterprise"]

    def listed(**filters):
        return {e.user.username for e in selectors.expert_list(user=user, filters=filters)}

    assert listed() == {"zz", "js", "kf", "hn"}
    assert listed(field="mechanics") == {"zz", "js", "kf"}
    assert listed(region=region("410100")) == {"zz", "js"}
    assert listed(text="衡器") == {"js"}
    assert listed(text="institution organisation") == {"zz", "js", "kf", "hn"}
    Expert.objects.filter(user__username="kf").update(is_available=False)
    assert listed(field="mechanics", available=True) == {"zz", "js"}


def test_the_list_reads_in_a_fixed_number_of_queries(world, django_assert_num_queries):
    user = world.users["platform_admin"]
    with django_assert_num_queries(2):
        experts = list(selectors.expert_list(user=user, filters={"field": "mechanics"}))
        assert [len(expert.fields.all()) for expert in experts] == [1, 1, 1]


def test_the_group_list_filters_by_field(world):
    group(world, "省组", "410000", [])
    group(world, "市组", "410100", ["thermal"])
    user = world.users["other_enterprise"]
    names = [g.name for g in selectors.group_list(user=user, filters={"field": "mechanics"})]
    assert names == ["省组"]
    names = [g.name for g in selectors.group_list(user=user, filters={"region": region("410100")})]
    assert names == ["市组"]


def test_the_record_shows_what_the_expert_solved_and_answered(world):
    expert = world.experts["zz"]
    enterprise = world.enterprise
    for title, state in [("已解决", ProblemState.SOLVED), ("进行中", ProblemState.IN_PROGRESS)]:
        Problem.objects.create(
            enterprise=enterprise,
            region=enterprise.region,
            title=title,
            category="equipment",
            field="mechanics",
            description="压力表示值误差大",
            state=state,
            assigned_expert=expert,
        )
    asker = world.users["same_enterprise"]
    for title, public in [("公开问题", True), ("私密问题", False)]:
        consultation = Consultation.objects.create(
            asker=asker,
            organisation=enterprise,
            field="mechanics",
            title=title,
            is_public=public,
            assigned_expert=expert,
        )
        for _ in range(2):
            ConsultationReply.objects.create(
                consultation=consultation, author=expert.user, expert=expert, body="答复内容"
            )
    mine = selectors.expert_record(expert, user=asker)
    assert (mine["solved_count"], mine["answered_count"]) == (1, 2)
    assert [p.title for p in mine["solved"]] == ["已解决"]
    assert {c.title for c in mine["answered"]} == {"公开问题", "私密问题"}
    theirs = selectors.expert_record(expert, user=world.users["other_enterprise"])
    assert (theirs["solved_count"], theirs["answered_count"]) == (1, 2)
    assert theirs["solved"] == []
    assert [c.title for c in theirs["answered"]] == ["公开问题"]
