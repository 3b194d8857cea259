"""The problems demo: problems in every state for the demo enterprises (one overdue, one from a
visit's need, one recorded by the bureau), a joint project with milestones and a document;
loading twice adds nothing; the demo campaign counts the solved problem."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from jiliang.experts.choices import ProblemSource, ProblemState
from jiliang.experts.demos import problems as demo
from jiliang.experts.demos import registry as registry_demo
from jiliang.experts.models import JointProject, Problem
from jiliang.needs.demos import fieldwork as fieldwork_demo
from jiliang.orgs import demo as orgs_demo


@pytest.fixture
def loaded(db):
    admin = get_user_model().objects.create_superuser("demo-admin", "a@example.com", "x")
    orgs_demo.load(admin)
    fieldwork_demo.load(admin)
    registry_demo.load(admin)
    demo.load(admin)
    return admin


def test_problems_in_every_state(loaded):
    assert set(Problem.objects.values_list("state", flat=True)) == set(ProblemState.values)
    sources = set(Problem.objects.values_list("source", flat=True))
    assert sources == set(ProblemSource.values)
    assert Problem.objects.filter(source=ProblemSource.VISIT, need__isnull=False).exists()
    assert Problem.objects.overdue(timezone.localdate()).count() == 1
    enterprises = set(
        Problem.objects.values_list("enterprise__memberships__user__username", flat=True)
    )
    assert {"demo-enterprise", "demo-enterprise-b"} <= enterprises
    solved = Problem.objects.get(state=ProblemState.SOLVED)
    assert solved.rating == 5
    assert solved.events.count() == 5


def test_a_joint_project_with_milestones_and_a_document(loaded):
    project = JointProject.objects.get()
    assert project.problems.count() == 1
    assert project.milestones.count() == 3
    assert project.milestones.filter(done_on__isnull=False).count() == 1
    assert project.documents.get().file.name.endswith(".pdf")
    assert project.experts.filter(user__username="demo-expert").exists()


def test_the_demo_users_see_their_part(loaded):
    from jiliang.experts.selectors import problems as selectors

    user = get_user_model().objects.get
    assert selectors.state_counts(user=user(username="demo-city"))["new"] >= 1
    assert selectors.to_confirm(user=user(username="demo-enterprise-b")) == 1
    assert selectors.assigned_open(user=user(username="demo-expert")) == 1


def test_loading_again_adds_nothing(loaded):
    before = (Problem.objects.count(), JointProject.objects.count())
    demo.load(loaded)
    assert (Problem.objects.count(), JointProject.objects.count()) == before
