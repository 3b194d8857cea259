"""One step from a state, decided by the database: two members of the enterprise confirming a
proposed solution at once, or one confirming while another reopens it, end with one of the
steps applied and one event written; the other is told the problem changed (never both)."""

import pytest
from django.contrib.auth import get_user_model

from jiliang.core.testing.threads import in_threads
from jiliang.experts.choices import ProblemState
from jiliang.experts.models import Problem
from jiliang.experts.services import problems as services
from jiliang.experts.tests.problems_world import assign, propose, state
from jiliang.needs.models import Need
from jiliang.orgs import services as org_services

ATTEMPTS = 3


def _members(world):
    admin = world.users["platform_admin"]
    colleague = org_services.user_create(
        actor=admin, username="race-colleague", email="race@example.com"
    )
    org_services.membership_add(
        actor=admin, organisation=world.enterprise, user=colleague, role="staff"
    )
    return [world.users["same_enterprise"].pk, colleague.pk]


def _at_once(ids, steps, problem_id) -> list[str]:
    """Run each step as one member at once, each on the problem as it read it before (both
    saw it proposed)."""
    work = [
        (get_user_model().objects.get(pk=pk), Problem.objects.get(pk=problem_id), step)
        for pk, step in zip(ids, steps, strict=True)
    ]

    def run():
        user, problem, step = work.pop()
        step(user, problem)

    return in_threads(len(work), run)


def _proposed(world, attempt) -> Problem:
    return propose(world, assign(world, state(world, f"压力变送器溯源 {attempt}")))


def _confirm(user, problem):
    services.problem_confirm(actor=user, problem=problem, rating=4)


def _reopen(user, problem):
    services.problem_reopen(actor=user, problem=problem, note="方案不可行。")


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_apply_once(shared_world):
    world = shared_world
    members = _members(world)
    for attempt in range(ATTEMPTS):
        problem = _proposed(world, attempt)
        errors = _at_once(members, [_confirm, _confirm], problem.pk)
        assert len(errors) == 1, f"attempt {attempt}: {errors}"
        assert errors[0].startswith("ValidationError"), errors
        problem.refresh_from_db()
        assert problem.state == ProblemState.SOLVED
        assert problem.events.filter(state=ProblemState.SOLVED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_confirmation_racing_a_reopening_applies_one_of_them(shared_world):
    world = shared_world
    members = _members(world)
    for attempt in range(ATTEMPTS):
        problem = _proposed(world, attempt)
        errors = _at_once(members, [_confirm, _reopen], problem.pk)
        assert len(errors) == 1, f"attempt {attempt}: {errors}"
        problem.refresh_from_db()
        solved = problem.events.filter(state=ProblemState.SOLVED).count()
        reopened = problem.events.filter(state=ProblemState.IN_PROGRESS).count() - 1
        assert solved + reopened == 1, (solved, reopened)
        assert (problem.state == ProblemState.SOLVED) == bool(solved)
        assert (problem.solved_at is not None) == bool(solved)


@pytest.mark.django_db(transaction=True)
def test_a_need_turned_into_a_problem_twice_at_once_becomes_one(shared_world):
    world = shared_world
    bureau = [world.users["regulator_above"].pk, world.users["platform_admin"].pk]
    for attempt in range(ATTEMPTS):
        need = Need.objects.create(
            enterprise=world.enterprise, topic="calibration", description=f"压力表送检难 {attempt}"
        )
        users = get_user_model().objects.filter(pk__in=bureau)
        work = [(user, Need.objects.get(pk=need.pk)) for user in users]

        def run(work=work):
            user, seen = work.pop()
            services.problem_from_need(
                actor=user, need=seen, category="equipment", field="mechanics"
            )

        errors = in_threads(2, run)
        assert len(errors) == 1, f"attempt {attempt}: {errors}"
        assert errors[0].startswith("ValidationError"), errors
        assert Problem.objects.filter(need=need).count() == 1
