"""The registry's demo: a dozen experts in seven fields, demo-expert among them, groups of the
province, 郑州 and 洛阳 (洛阳's bureau created); loading twice adds nothing."""

import pytest
from django.contrib.auth import get_user_model

from jiliang.experts.demos import registry as demo
from jiliang.experts.models import Expert, ExpertField, ExpertGroup
from jiliang.experts.selectors.registry import groups_for_escalation, routable_experts
from jiliang.orgs import demo as orgs_demo
from jiliang.orgs.models import Membership, Region


@pytest.fixture
def loaded(db):
    admin = get_user_model().objects.create_superuser("demo-admin", "a@example.com", "x")
    orgs_demo.load(admin)
    demo.load(admin)
    return admin


def test_a_dozen_experts_in_several_fields(loaded):
    experts = Expert.objects.filter(user__username__startswith="expert-")
    assert experts.count() >= 12
    assert ExpertField.objects.values("field").distinct().count() >= 6
    assert {e.organisation.name for e in experts} >= {
        "河南省计量测试科学研究院",
        "郑州市计量测试所",
    }
    assert {e.title for e in experts} == {"高级工程师", "正高级工程师", "教授"}
    assert all(e.user.check_password(orgs_demo.DEMO_PASSWORD) for e in experts[:2])
    for expert in experts:
        assert Membership.objects.filter(
            user=expert.user, organisation=expert.organisation
        ).exists()
    assert not Expert.objects.get(user__username=demo.AWAY).available_now


def test_demo_expert_knows_mechanics_and_thermal(loaded):
    expert = Expert.objects.get(user__username="demo-expert")
    assert set(expert.fields.values_list("field", flat=True)) == {"mechanics", "thermal"}
    assert "全国压力计量技术委员会" in expert.committee_list()
    assert routable_experts("mechanics").filter(pk=expert.pk).exists()


def test_groups_in_zhengzhou_and_luoyang(loaded):
    groups = {group.name: group for group in ExpertGroup.objects.select_related("bureau")}
    zhengzhou, luoyang = groups["郑州市计量专家服务组"], groups["洛阳市技术帮扶小组"]
    assert zhengzhou.bureau.name == "郑州市市场监督管理局"
    assert (luoyang.bureau.name, luoyang.region.code) == ("洛阳市市场监督管理局", "410300")
    assert luoyang.leader in luoyang.members.all()
    assert zhengzhou.members.filter(user__username="demo-expert").exists()
    nearest = groups_for_escalation("thermal", Region.objects.get(code="410305")).first()
    assert nearest == luoyang


def test_loading_again_adds_nothing(loaded):
    before = (Expert.objects.count(), ExpertGroup.objects.count(), ExpertField.objects.count())
    demo.load(loaded)
    after = (Expert.objects.count(), ExpertGroup.objects.count(), ExpertField.objects.count())
    assert after == before
