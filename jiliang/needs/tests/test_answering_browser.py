"""Answering on a phone in Chromium: the skip logic shows and hides questions and sections as
the enterprise answers, a draft is saved and resumed, a wrong number is shown at its question,
and the submission goes through; the surveys page and the answering page fit a 375 px screen."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from jiliang.core.testing.matrix import build_world
from jiliang.core.testing.phone import FITS, Screen, check_screen, sign_in
from jiliang.needs.choices import ResponseStatus
from jiliang.needs.models import Response
from jiliang.needs.tests.factories import survey
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    load_reference_regions(Region)  # a transactional test starts from an empty database
    return build_world()


def test_an_enterprise_answers_on_a_phone_with_skip_logic(phone, live_server, world, results_dir):
    url = live_server.url
    form = survey(world.organisations["regulator_above"], region=world.regions["410100"])
    sign_in(phone, url, world, "same_enterprise")
    for screen in (
        Screen("surveys", reverse("answering:surveys")),
        Screen("answer", reverse("answering:answer", args=[form.pk, world.enterprise.pk]),
               ("button", "Submit")),
    ):  # fmt: skip
        check_screen(phone, url, screen, results_dir)

    phone.goto(url + reverse("answering:surveys"))
    phone.get_by_role("link", name="企业计量需求调研").click()
    lab_staff = phone.locator("#question-lab_staff")
    calibration = phone.locator("[data-section='calibration']")
    expect(lab_staff).to_be_hidden()
    expect(calibration).to_be_hidden()
    phone.get_by_label("是", exact=True).check()
    expect(lab_staff).to_be_visible()
    phone.locator("#q-lab_staff").fill("900")
    phone.get_by_label("检定校准").check()
    expect(calibration).to_be_visible()
    phone.get_by_label("检定校准").uncheck()
    expect(calibration).to_be_hidden()
    phone.get_by_role("button", name="Save draft").click()
    # The number out of range: said at the question, the answers kept on the page.
    expect(phone.locator("#question-lab_staff-errors")).to_contain_text(
        "900 is outside its range 0–500 人."
    )
    expect(phone.locator("#q-lab_staff")).to_have_value("900")
    assert phone.evaluate(FITS)
    phone.locator("#q-lab_staff").fill("6")
    phone.get_by_role("button", name="Save draft").click()
    expect(phone.get_by_text("Draft saved")).to_be_visible()
    # Resumed: the draft's answers, and the skip logic applied to them on arrival.
    expect(phone.locator("#q-lab_staff")).to_have_value("6")
    expect(lab_staff).to_be_visible()

    phone.get_by_label("否", exact=True).check()
    expect(lab_staff).to_be_hidden()
    phone.get_by_role("button", name="Submit").click()
    expect(phone.locator("#question-needs-errors")).to_contain_text("“需要哪些服务” is required.")
    phone.get_by_label("培训").check()
    phone.get_by_role("button", name="Submit").click()
    expect(phone.get_by_text("your answers were submitted")).to_be_visible()
    response = Response.objects.get()
    assert response.status == ResponseStatus.SUBMITTED
    # The hidden question's answer was dropped by the server too.
    assert set(response.answers.values_list("question__name", flat=True)) == {"has_lab", "needs"}
    phone.screenshot(path=results_dir / "answering-submitted-phone.png", full_page=True)
