"""Sending questionnaires out: the audience, invitations on opening, reminders, closing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jiliang.needs.choices import QuestionnaireStatus
from jiliang.needs.services import answering, distribution
from jiliang.needs.tests.factories import GOOD, survey
from jiliang.notifications.models import Notification
from jiliang.orgs.enterprise_models import EnterpriseProfile, Tag

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def draft(world):
    return survey(world.organisations["regulator_above"], status=QuestionnaireStatus.DRAFT)


def told(world):
    return set(
        Notification.objects.filter(kind="survey").values_list("recipient__username", flat=True)
    )


def test_a_bureau_asks_within_its_own_region(world, draft):
    owner = world.users["regulator_above"]
    with pytest.raises(ValidationError) as error:
        distribution.audience_set(
            actor=owner, questionnaire=draft, data={"audience_region": world.regions["410200"]}
        )
    assert error.value.message_dict == {"audience_region": ["开封市 is outside regulator_above "
                                                          "organisation's region."]}  # fmt: skip
    with pytest.raises(ValidationError) as error:
        distribution.audience_set(
            actor=owner, questionnaire=draft, data={"audience_sizes": ["huge"]}
        )
    assert error.value.message_dict == {"audience_sizes": ["Unknown: huge."]}


def test_industries_sizes_and_tags_narrow_the_audience(world, draft):
    owner, region = world.users["regulator_above"], world.regions["410100"]
    distribution.audience_set(actor=owner, questionnaire=draft, data={"audience_region": region})
    assert list(answering.audience(draft)) == [world.enterprise]
    for data, expected in (
        ({"audience_industries": ["A"]}, []),
        ({"audience_industries": ["C"], "audience_sizes": ["medium"]}, []),
        ({"audience_sizes": ["small", "micro"]}, [world.enterprise]),
        ({"audience_tags": [" 专精特新 "]}, []),
    ):
        distribution.audience_set(actor=owner, questionnaire=draft, data=data)
        assert list(answering.audience(draft)) == expected, data
    assert draft.audience_tags == ["专精特新"]
    profile = EnterpriseProfile.objects.get(organisation=world.enterprise)
    profile.tags.add(Tag.objects.create(name="专精特新"))
    assert list(answering.audience(draft)) == [world.enterprise]


def test_opening_invites_the_audience_after_the_commit(
    world, draft, django_capture_on_commit_callbacks
):
    owner = world.users["regulator_above"]
    with pytest.raises(ValidationError):  # no one to ask yet
        distribution.questionnaire_open(actor=owner, questionnaire=draft)
    draft.audience_region = world.regions["410100"]
    draft.save()
    with django_capture_on_commit_callbacks(execute=True):
        distribution.questionnaire_open(actor=owner, questionnaire=draft)
    assert draft.status == QuestionnaireStatus.OPEN
    assert draft.published_at is not None
    # The enterprise's administrator; not its viewer, nor the enterprise outside the region.
    assert told(world) == {"same_enterprise"}
    note = Notification.objects.get()
    assert note.title == "Questionnaire for your enterprise: “企业计量需求调研”"
    assert note.url == f"/surveys/answer/?enterprise={world.enterprise.pk}"
    with pytest.raises(ValidationError):
        distribution.questionnaire_open(actor=owner, questionnaire=draft)


def test_reminders_go_to_those_who_have_not_submitted(world):
    form = survey(world.organisations["regulator_above"], region=world.regions["410100"])
    owner = world.users["regulator_above"]
    assert distribution.questionnaire_remind(actor=owner, questionnaire=form) == 1
    assert told(world) == {"same_enterprise"}
    user = world.users["same_enterprise"]
    response = answering.response_start(actor=user, questionnaire=form, enterprise=world.enterprise)
    answering.save_answers(actor=user, response=response, data=GOOD)
    answering.submit_response(actor=user, response=response)
    assert distribution.questionnaire_remind(actor=owner, questionnaire=form) == 0


def test_closing_by_hand_and_after_the_close_date(world):
    owner = world.users["regulator_above"]
    today = timezone.localdate()
    form = survey(world.organisations["regulator_above"], region=world.regions["410100"])
    late = survey(
        world.organisations["regulator_above"],
        title="late",
        region=world.regions["410100"],
        closes_on=today - timedelta(days=1),
    )
    current = survey(world.organisations["regulator_above"], title="current", closes_on=today)
    distribution.questionnaire_close(actor=owner, questionnaire=form)
    assert form.status == QuestionnaireStatus.CLOSED
    with pytest.raises(ValidationError):
        distribution.questionnaire_close(actor=owner, questionnaire=form)
    assert distribution.close_overdue(today) == 1
    late.refresh_from_db()
    current.refresh_from_db()
    assert (late.status, current.status) == (QuestionnaireStatus.CLOSED, QuestionnaireStatus.OPEN)
