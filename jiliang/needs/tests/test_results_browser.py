"""The results page in Chromium: the province's bureau filters the statistics, the charts are
drawn (ECharts under the Content-Security-Policy: no console error), it opens a response; the
same page on a phone fits the screen."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from jiliang.core.testing.phone import Screen, check_screen, sign_in
from jiliang.needs.models import Question
from jiliang.needs.tests.results_data import build_survey
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def survey_world():
    load_reference_regions(Region)  # a transactional test starts from an empty database
    survey = build_survey()
    # phone.sign_in reads the session of a world's client.
    survey.client_for = lambda actor: _client(survey.users[actor])
    return survey


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def chart(page, survey, name):
    question = Question.objects.get(questionnaire=survey.questionnaire, name=name)
    return page.locator(f".jl-chart[data-chart='q{question.pk}']")


def test_the_province_reads_the_results_with_charts(page, live_server, results_dir):
    survey = survey_world()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    sign_in(page, live_server.url, survey, "province")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + reverse("survey_results:index"))
    page.get_by_role("link", name=survey.questionnaire.title).click()
    expect(page.locator("#response-count")).to_have_text("3 responses")
    for name in ("has_lab", "needs", "satisfaction"):
        expect(chart(page, survey, name).locator("canvas")).to_have_count(1)
    expect(page.locator("#response-rates")).to_contain_text("郑州市")
    page.screenshot(path=results_dir / "survey-results.png", full_page=True)

    page.get_by_label("Industry").select_option("C")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#response-count")).to_have_text("2 responses")
    expect(chart(page, survey, "needs").locator("canvas")).to_have_count(1)

    page.get_by_role("link", name="Responses", exact=True).click()
    page.get_by_role("link", name="企业C").click()
    expect(page.locator("#paper-badge")).to_be_visible()
    expect(page.locator("#answers")).to_contain_text("需要哪些服务")
    expect(page.locator("#answers")).not_to_contain_text("计量室人数")  # hidden by skip logic
    assert problems == []


def test_the_results_fit_a_phone(phone, live_server, results_dir):
    survey = survey_world()
    sign_in(phone, live_server.url, survey, "zhengzhou")
    url = reverse("survey_results:results", args=[survey.questionnaire.pk])
    check_screen(
        phone,
        live_server.url,
        Screen("survey-results", url, ("button", "Filter")),
        results_dir,
    )
    expect(chart(phone, survey, "needs").locator("canvas")).to_have_count(1)
    check_screen(
        phone,
        live_server.url,
        Screen(
            "survey-response",
            reverse(
                "survey_results:response",
                args=[survey.questionnaire.pk, survey.responses["a"].pk],
            ),
        ),
    )
