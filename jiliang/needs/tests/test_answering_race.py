"""One response per enterprise, decided by the database: two members of an enterprise starting
and submitting at once end with one response, submitted once and counted once; the loser is
told the questionnaire was already submitted (never an IntegrityError)."""

import pytest
from django.contrib.auth import get_user_model

from jiliang.core.testing.threads import in_threads
from jiliang.needs.choices import ResponseStatus
from jiliang.needs.models import AnswerTally, Response
from jiliang.needs.services import answering, tallies
from jiliang.needs.tests.factories import GOOD, survey
from jiliang.orgs import services as org_services

ATTEMPTS = 4


def _members(world):
    admin = world.users["platform_admin"]
    colleague = org_services.user_create(
        actor=admin, username="race-colleague", email="race@example.com"
    )
    org_services.membership_add(
        actor=admin, organisation=world.enterprise, user=colleague, role="staff"
    )
    return [world.users["same_enterprise"].pk, colleague.pk]


def _at_once(ids, work) -> list[str]:
    users = [get_user_model().objects.get(pk=pk) for pk in ids]  # one per thread
    return in_threads(len(users), lambda: work(users.pop()))


@pytest.mark.django_db(transaction=True)
def test_two_members_starting_and_submitting_at_once_make_one_response(shared_world):
    world = shared_world
    members = _members(world)
    for attempt in range(ATTEMPTS):
        form = survey(
            world.organisations["regulator_above"],
            title=f"race {attempt}",
            region=world.regions["410100"],
        )

        def start(user, form=form):
            answering.response_start(actor=user, questionnaire=form, enterprise=world.enterprise)

        assert _at_once(members, start) == [], f"attempt {attempt}"
        assert Response.objects.filter(questionnaire=form).count() == 1

        def submit(user, form=form):
            response = answering.response_start(
                actor=user, questionnaire=form, enterprise=world.enterprise
            )
            answering.save_answers(actor=user, response=response, data=GOOD)
            answering.submit_response(actor=user, response=response)

        errors = _at_once(members, submit)
        assert len(errors) == 1, f"attempt {attempt}: {errors}"
        assert errors[0].startswith("ValidationError: ['"), errors
        assert "“race" in errors[0], errors
        response = Response.objects.get(questionnaire=form)
        assert response.status == ResponseStatus.SUBMITTED
        counted = AnswerTally.objects.get(
            question__questionnaire=form,
            question__name="has_lab",
            industry=tallies.ANY,
            size_class=tallies.ANY,
            row_key=0,
            choice_key=0,
        )
        assert counted.count == 1
