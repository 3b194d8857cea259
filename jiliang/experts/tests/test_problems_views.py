"""The problem pages: the bureau's triage queue with its counts and filters, the overdue
badge, the actions each party is offered, the forms and their refusals."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from jiliang.experts.models import Problem
from jiliang.experts.services import problems as services
from jiliang.experts.tests.problems_world import build_problems, pdf
from jiliang.needs.models import Need

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def world(matrix_world):
    return matrix_world


@pytest.fixture
def work(world):
    return build_problems(world)


def page(world, actor, url):
    return world.client_for(actor, language="en").get(url)


def test_the_triage_queue_counts_by_state_and_filters(world, work, django_assert_max_num_queries):
    url = reverse("problems:problem_list")
    response = page(world, "regulator_above", url)
    tabs = {label: count for _, label, count in response.context["state_tabs"]}
    assert tabs["New"] == 1
    assert tabs["Assigned"] == 1
    assert response.context["overdue_count"] == 0
    new = page(world, "regulator_above", f"{url}?state=new")
    assert [p.pk for p in new.context["object_list"]] == [work.fresh.pk]
    assert page(world, "same_enterprise", url).context["state_tabs"] is None
    mine = page(world, "institution", f"{url}?mine=on")
    assert {p.pk for p in mine.context["object_list"]} == {
        work.assigned.pk,
        work.started.pk,
        work.proposed.pk,
    }


def test_an_overdue_problem_has_a_badge(world, work):
    Problem.objects.filter(pk=work.assigned.pk).update(
        target_date=work.assigned.target_date - timedelta(days=400)
    )
    listed = page(world, "regulator_above", reverse("problems:problem_list") + "?overdue=1")
    assert [p.pk for p in listed.context["object_list"]] == [work.assigned.pk]
    assert b"problem-overdue" in listed.content
    detail = page(world, "same_enterprise", work.assigned.get_absolute_url())
    assert b"problem-overdue" in detail.content


def test_each_party_is_offered_its_steps(world, work):
    def offered(actor, problem):
        return set(page(world, actor, problem.get_absolute_url()).context["actions"])

    assert offered("regulator_above", work.fresh) == {"assign", "unsolvable", "document"}
    assert offered("same_enterprise", work.proposed) == {"confirm", "reopen", "document"}
    assert offered("institution", work.proposed) == {"unsolvable", "document"}
    assert offered("institution", work.started) >= {"propose", "unsolvable"}
    assert offered("same_enterprise_viewer", work.proposed) == set()


def test_stating_a_problem_with_an_attachment(world):
    client = world.client_for("same_enterprise", language="en")
    response = client.post(
        reverse("problems:problem_create"),
        {
            "enterprise": world.enterprise.pk,
            "title": "电子天平偏载",
            "category": "equipment",
            "field": "mechanics",
            "description": "偏载超差。",
            "urgency": "normal",
            "document": pdf(),
        },
    )
    problem = Problem.objects.get(title="电子天平偏载")
    assert response.url == problem.get_absolute_url()
    assert problem.documents.count() == 1


def test_a_rating_of_7_is_refused_on_the_form(world, work):
    client = world.client_for("same_enterprise", language="en")
    response = client.post(
        reverse("problems:problem_confirm", args=[work.proposed.pk]), {"rating": 7}
    )
    assert response.status_code == 400
    assert "rating" in response.context["form"].errors
    work.proposed.refresh_from_db()
    assert work.proposed.state == "proposed"


def test_assigning_outside_without_a_reason_shows_the_error(world, work):
    client = world.client_for("regulator_above", language="en")
    url = reverse("problems:problem_assign", args=[work.fresh.pk])
    response = client.post(url, {"expert": work.far_expert.pk, "target_workdays": 5})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "outside your region" in " ".join(errors["assignment_reason"])
    response = client.post(
        url, {"expert": work.far_expert.pk, "target_workdays": 5, "assignment_reason": "唯一"}
    )
    assert response.status_code == 302


def test_the_project_page_shows_milestones_and_documents(world, work):
    response = page(world, "regulator_above", work.project.get_absolute_url())
    assert response.context["editable"]
    assert "方案评审".encode() in response.content
    assert not page(world, "institution", work.project.get_absolute_url()).context["editable"]
    problem = page(world, "same_enterprise", work.started.get_absolute_url())
    assert "压力现场溯源联合攻关".encode() in problem.content


def test_the_needs_page_offers_the_bureau_to_make_it_a_problem_once(world):
    need = Need.objects.create(
        enterprise=world.enterprise, topic="calibration", description="压力表送检难。"
    )
    url = reverse("fieldwork:need_detail", args=[need.pk])
    offered = reverse("problems:problem_from_need", args=[need.pk])
    assert offered in page(world, "regulator_above", url).content.decode()
    assert offered not in page(world, "same_enterprise", url).content.decode()
    response = world.client_for("regulator_above", language="en").post(
        offered,
        {
            "title": "压力表送检难",
            "description": need.description,
            "category": "equipment",
            "field": "mechanics",
            "urgency": "normal",
        },
    )
    problem = Problem.objects.get(need=need)
    assert response.status_code == 302
    assert offered not in page(world, "regulator_above", url).content.decode()
    assert problem.enterprise == world.enterprise


def test_the_bureau_is_offered_to_publish_a_consented_solved_problem_as_a_case(world, work):
    problem = work.proposed
    url = reverse("problems:problem_detail", args=[problem.pk])
    publish = reverse("knowledge:case_publish", args=[problem.pk])
    services.problem_confirm(
        actor=world.users["same_enterprise"], problem=problem, rating=5, case_consent="anonymous"
    )
    assert publish in page(world, "regulator_above", url).content.decode()
    assert publish not in page(world, "same_enterprise", url).content.decode()


def test_the_rating_is_a_row_of_radio_buttons_not_text_boxes(world, work):
    url = reverse("problems:problem_detail", args=[work.proposed.pk])
    html = page(world, "same_enterprise", url).content.decode()
    radios = re.findall(r'<input type="radio"[^>]*name="rating"[^>]*>', html)
    assert len(radios) == 5
    assert not any("form-control" in radio for radio in radios)
