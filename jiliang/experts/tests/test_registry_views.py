"""The registry's pages: the list filtered, an expert's page, registering an expert with their
fields, their availability, and forming and editing a group by names."""

import pytest
from django.urls import reverse

from jiliang.experts.choices import ProblemState
from jiliang.experts.models import Expert, ExpertGroup, Problem
from jiliang.experts.tests.registry_world import build_registry
from jiliang.orgs.models import Membership

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def world(matrix_world):
    matrix_world.registry = build_registry(matrix_world)
    return matrix_world


def test_the_list_filters_and_shows_the_experts_fields(world):
    client = world.client_for("same_enterprise", language="en")
    url = reverse("experts:expert_list")
    page = client.get(url).content.decode()
    assert "压力、力值" in page
    assert "Register an expert" in page  # its admin registers the enterprise's own experts
    assert "压力" in client.get(url, {"field": "mechanics", "text": "压力"}).content.decode()
    empty = client.get(url, {"field": "thermal"}).content.decode()
    assert "No expert matches." in empty
    viewer = world.client_for("same_enterprise_viewer", language="en")
    assert "Register an expert" not in viewer.get(url).content.decode()


def test_the_experts_page_shows_profile_groups_and_record(world):
    expert = world.registry.expert
    client = world.client_for("sibling_regulator", language="en")
    page = client.get(reverse("experts:expert_detail", args=[expert.pk])).content.decode()
    for text in ("高级工程师", "全国压力计量技术委员会", "Mechanics", "郑州市计量专家服务组"):
        assert text in page
    assert "0 problems solved" in page
    assert "0 questions answered" in page
    assert "Set availability" not in page
    own = world.client_for("institution", language="en")
    page = own.get(reverse("experts:expert_detail", args=[expert.pk])).content.decode()
    assert "Set availability" in page
    assert "Edit" in page


def test_an_institution_registers_a_staff_member_with_fields(world):
    client = world.client_for("institution", language="en")
    url = reverse("experts:expert_create")
    data = {
        "username": "candidate",
        "organisation": world.organisations["institution"].pk,
        "title": "工程师",
        "committees": "全国温度计量技术委员会",
        "specialties_thermal": "热电偶",  # typed without the tick: the field counts
        "knows_length": "on",
    }
    refused = client.post(url, {**data, "region": "999999"})
    assert refused.status_code == 400
    assert "No region has the code 999999." in refused.content.decode()
    refused = client.post(url, {**data, "username": "nobody"})
    assert "No account is named nobody." in refused.content.decode()
    response = client.post(url, data)
    expert = Expert.objects.get(user__username="candidate")
    assert response.url == reverse("experts:expert_detail", args=[expert.pk])
    assert dict(expert.fields.values_list("field", "specialties")) == {
        "thermal": "热电偶",
        "length": "",
    }
    assert expert.region == world.organisations["institution"].region


def test_no_field_ticked_is_refused_on_the_form(world):
    client = world.client_for("institution", language="en")
    response = client.post(
        reverse("experts:expert_create"),
        {
            "username": "candidate",
            "organisation": world.organisations["institution"].pk,
            "title": "工程师",
        },
    )
    assert response.status_code == 400
    assert "An expert knows at least one field of metrology." in response.content.decode()
    assert Membership.objects.filter(user__username="candidate").count() == 1


def test_the_edit_form_shows_and_changes_the_fields(world):
    expert = world.registry.expert
    client = world.client_for("regulator_above", language="en")
    url = reverse("experts:expert_update", args=[expert.pk])
    page = client.get(url).content.decode()
    assert 'value="压力、力值"' in page
    response = client.post(
        url,
        {
            "organisation": expert.organisation_id,
            "region": "410105",
            "title": "正高级工程师",
            "knows_optics": "on",
            "specialties_optics": "光度",
        },
    )
    assert response.status_code == 302
    expert.refresh_from_db()
    assert (expert.title, expert.region.code) == ("正高级工程师", "410105")
    assert list(expert.fields.values_list("field", flat=True)) == ["optics"]


def test_the_expert_marks_themself_away(world):
    expert = world.registry.expert
    client = world.client_for("institution", language="en")
    url = reverse("experts:expert_availability", args=[expert.pk])
    refused = client.post(url, {"unavailable_until": "2001-01-01"})
    assert refused.status_code == 400
    assert "The day has passed" in refused.content.decode()
    client.post(url, {"unavailable_until": "2999-12-31"})
    expert.refresh_from_db()
    assert (expert.is_available, str(expert.unavailable_until)) == (False, "2999-12-31")
    page = client.get(reverse("experts:expert_detail", args=[expert.pk])).content.decode()
    assert "Unavailable until 2999-12-31" in page


def test_a_bureau_forms_a_group_by_names(world):
    client = world.client_for("regulator_above", language="en")
    url = reverse("experts:group_create")
    data = {
        "bureau": world.organisations["regulator_above"].pk,
        "name": "郑州市技术帮扶小组",
        "kind": "assistance",
        "fields": ["mechanics", "thermal"],
        "members": "institution",
        "leader": "candidate",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "candidate names no registered expert" in refused.content.decode()
    refused = client.post(url, {**data, "members": "institution, nobody"})
    assert "nobody names no registered expert" in refused.content.decode()
    response = client.post(url, {**data, "leader": "institution"})
    group = ExpertGroup.objects.get(name="郑州市技术帮扶小组")
    assert response.url == reverse("experts:group_detail", args=[group.pk])
    page = client.get(response.url).content.decode()
    assert "Technical assistance team" in page
    assert "Leader" in page


def test_the_bureau_edits_and_deactivates_its_group(world):
    group = world.registry.group
    client = world.client_for("regulator_above", language="en")
    url = reverse("experts:group_update", args=[group.pk])
    assert 'value="institution"' in client.get(url).content.decode()
    response = client.post(
        url,
        {"name": "改名", "kind": "service", "members": "institution", "is_active": "on"},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.fields, group.leader) == ("改名", [], None)
    client.post(reverse("experts:group_deactivate", args=[group.pk]))
    group.refresh_from_db()
    assert not group.is_active
    page = client.get(reverse("experts:group_list")).content.decode()
    assert "Inactive" in page
    assert "Form a group" in page


def test_the_experts_page_links_what_they_solved_for_those_who_see_it(world):
    expert = world.registry.expert
    problem = Problem.objects.create(
        enterprise=world.enterprise,
        region=world.enterprise.region,
        title="压力表示值超差",
        category="equipment",
        field="mechanics",
        description="示值误差超出允许范围",
        state=ProblemState.SOLVED,
        assigned_expert=expert,
    )
    url = reverse("experts:expert_detail", args=[expert.pk])
    page = world.client_for("same_enterprise", language="en").get(url).content.decode()
    assert "1 problem solved" in page
    assert f'href="{problem.get_absolute_url()}"' in page
    page = world.client_for("other_enterprise", language="en").get(url).content.decode()
    assert "1 problem solved" in page
    assert "压力表示值超差" not in page
    assert "not shown to you" in page
