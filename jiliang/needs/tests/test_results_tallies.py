"""The answer tallies: what one submitted response adds (per region, industry and size class),
two submissions at once, and a rebuild from the answers, or migration 0002's recount of the
tallies kept per region only, giving the same cells."""

from decimal import Decimal
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models import Sum

from jiliang.core.testing.threads import in_threads
from jiliang.needs.models import AnswerTally, Choice, Question
from jiliang.needs.services import tallies
from jiliang.needs.tests.results_data import START, build_survey, respond
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

RECOUNTED = "0002_tallies_by_industry_and_size_automatic_reminders"


def cells(questionnaire) -> dict:
    return {
        (t.question.name, t.region.code, t.industry, t.size_class, t.row_key, t.choice_key): (
            t.count,
            t.total,
        )
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
    a, b = ("410105", "C", "small"), ("410105", "F", "medium")  # both in 金水区
    # In their own industry and size: a and b answered has_lab, needs, instruments; the draft
    # d counts nowhere.
    assert found[("has_lab", *a, 0, 0)] == (1, 0)
    assert found[("has_lab", *b, 0, 0)] == (1, 0)
    assert found[("has_lab", *a, *key(q, "has_lab", "yes"))] == (1, 0)
    assert found[("has_lab", *b, *key(q, "has_lab", "no"))] == (1, 0)
    assert ("has_lab", *a, *key(q, "has_lab", "no")) not in found
    assert found[("needs", *a, *key(q, "needs", "calibration"))] == (1, 0)
    assert found[("needs", *b, *key(q, "needs", "calibration"))] == (1, 0)
    assert found[("needs", *b, 0, tallies.OTHER_KEY)] == (1, 0)
    assert found[("instruments", *a, 0, 0)] == (1, Decimal(10))
    assert found[("instruments", *b, 0, 0)] == (1, Decimal(30))
    assert found[("satisfaction", *a, *key(q, "satisfaction", "5", row="speed"))] == (1, 0)
    assert found[("satisfaction", *b, *key(q, "satisfaction", "4", row="speed"))] == (1, 0)
    assert found[("remarks", *a, 0, 0)] == (1, 0)
    assert found[("employees", "410200", "C", "small", 0, 0)] == (1, Decimal(50))
    assert not any(cell[1] == "410100" for cell in found)  # the draft of 郑州市
    # Under any industry and any size class, what both answered; a answered alone in C.
    assert found[("has_lab", "410105", "", "", 0, 0)] == (2, 0)
    assert found[("instruments", "410105", "", "", 0, 0)] == (2, Decimal(40))
    assert found[("needs", "410105", "", "", *key(q, "needs", "calibration"))] == (2, 0)
    assert found[("needs", "410105", "C", "", *key(q, "needs", "calibration"))] == (1, 0)
    assert found[("has_lab", "410105", "", "medium", *key(q, "has_lab", "no"))] == (1, 0)
    assert ("has_lab", "410105", "F", "small", 0, 0) not in found


def test_a_response_counts_in_its_industry_and_size_and_under_any():
    assert tallies.counted_as("C", "small") == {("C", "small"), ("C", ""), ("", "small"), ("", "")}
    assert tallies.counted_as("", "small") == {("", "small"), ("", "")}  # no industry noted
    assert tallies.counted_as("", "") == {("", "")}


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
    enterprises[1].region = enterprises[0].region  # both counted under 开封市, C, micro
    enterprises[1].size_class = enterprises[0].size_class
    answers = {"has_lab": "yes", "needs": ["training"], "instruments": Decimal(7)}

    def work():
        enterprise = enterprises.pop()
        with transaction.atomic():
            respond(q, enterprise, answers, submitted=START)

    assert in_threads(2, work) == []
    found = cells(q)
    cell = ("410200", "C", "micro")
    assert ("has_lab", *cell, 0, 0) not in before
    assert found[("has_lab", *cell, 0, 0)] == (2, 0)
    assert found[("instruments", *cell, 0, 0)] == (2, Decimal(14))
    assert found[("needs", *cell, *key(q, "needs", "training"))] == (2, 0)
    tallies.rebuild(q)
    assert cells(q) == found


def test_the_migration_recounts_the_tallies_kept_per_region_only(survey):
    """Before 0002 a cell was per region; the new columns came empty. The recount leaves the
    cells ``add`` gives."""
    added = cells(survey.questionnaire)
    per_region = ("question_id", "region_id", "row_key", "choice_key")
    lines = list(AnswerTally.objects.values(*per_region).annotate(summed=Sum("count")))
    AnswerTally.objects.all().delete()
    AnswerTally.objects.bulk_create(AnswerTally(count=line.pop("summed"), **line) for line in lines)
    assert cells(survey.questionnaire) != added
    migration = import_module(f"jiliang.needs.migrations.{RECOUNTED}")
    state = MigrationLoader(connection).project_state(("needs", RECOUNTED))
    migration.recount_tallies(state.apps, SimpleNamespace(connection=connection))
    assert cells(survey.questionnaire) == added
