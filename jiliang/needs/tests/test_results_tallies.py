"""The answer tallies: what one submitted response adds, two submissions at once, and a
rebuild from the answers giving the same cells."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from jiliang.core.testing.threads import in_threads
from jiliang.needs.models import AnswerTally, Choice, Question
from jiliang.needs.services import tallies
from jiliang.needs.tests.results_data import START, build_survey, respond
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions


def cells(questionnaire) -> dict:
    return {
        (t.question.name, t.region.code, t.row_key, t.choice_key): (t.count, t.total)
        for t in AnswerTally.objects.filter(question__questionnaire=questionnaire).select_related(
            "question", "region"
        )
    }


@pytest.fixture
def survey(db):
    return build_survey()


def key(questionnaire, name, value, row=None):
    question = Question.objects.get(questionnaire=questionnaire, name=name)
    choice = Choice.objects.get(question=question, value=value, is_row=False)
    row_key = Choice.objects.get(question=question, value=row, is_row=True).pk if row else 0
    return row_key, choice.pk


def test_add_counts_a_response_per_question_option_row_and_number(survey):
    q = survey.questionnaire
    found = cells(q)
    jinshui = "410105"
    # a and b in 金水区: both answered has_lab, needs, instruments; the draft d counts nowhere.
    assert found[("has_lab", jinshui, 0, 0)] == (2, 0)
    assert found[("has_lab", jinshui, *key(q, "has_lab", "yes"))] == (1, 0)
    assert found[("has_lab", jinshui, *key(q, "has_lab", "no"))] == (1, 0)
    assert found[("needs", jinshui, 0, 0)] == (2, 0)
    assert found[("needs", jinshui, *key(q, "needs", "calibration"))] == (2, 0)
    assert found[("needs", jinshui, 0, tallies.OTHER_KEY)] == (1, 0)
    assert found[("instruments", jinshui, 0, 0)] == (2, Decimal(40))
    assert found[("satisfaction", jinshui, 0, 0)] == (2, 0)
    assert found[("satisfaction", jinshui, *key(q, "satisfaction", "5", row="speed"))] == (1, 0)
    assert found[("satisfaction", jinshui, *key(q, "satisfaction", "4", row="speed"))] == (1, 0)
    assert found[("remarks", jinshui, 0, 0)] == (1, 0)
    assert found[("employees", "410200", 0, 0)] == (1, Decimal(50))
    assert not any(region == "410100" for _, region, _, _ in found)  # the draft of 郑州市


def test_rebuild_gives_the_cells_add_gave(survey):
    added = cells(survey.questionnaire)
    AnswerTally.objects.update(count=99)
    assert tallies.rebuild(survey.questionnaire) == len(added)
    assert cells(survey.questionnaire) == added


def test_the_management_command_rebuilds(survey, capsys):
    added = cells(survey.questionnaire)
    AnswerTally.objects.all().delete()
    call_command("needs_tallies", "rebuild", questionnaire=survey.questionnaire.pk)
    assert cells(survey.questionnaire) == added
    assert f'"{survey.questionnaire.pk}": {len(added)}' in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_both_count(threads_database):
    load_reference_regions(Region)  # a transactional test may start from an emptied database
    survey = build_survey()
    q = survey.questionnaire
    survey.responses["d"].delete()  # its enterprise answers now, with e, in the same cells
    before = cells(q)
    enterprises = [survey.organisations["e"], survey.organisations["d"]]
    enterprises[1].region = enterprises[0].region  # both counted under 开封市
    answers = {"has_lab": "yes", "needs": ["training"], "instruments": Decimal(7)}

    def work():
        enterprise = enterprises.pop()
        with transaction.atomic():
            respond(q, enterprise, answers, submitted=START)

    assert in_threads(2, work) == []
    found = cells(q)
    assert found[("has_lab", "410200", 0, 0)][0] == before[("has_lab", "410200", 0, 0)][0] + 2
    assert found[("instruments", "410200", 0, 0)] == (2, Decimal(14))
    assert found[("needs", "410200", *key(q, "needs", "training"))] == (2, 0)
    tallies.rebuild(q)
    assert cells(q) == found
