"""The builder in Chromium: 郑州市's bureau builds a small questionnaire (a close date with
its automatic reminder, a section, a choice question, a number shown only for one answer),
reorders with the arrows (htmx) and previews it; then the builder and the template on a
phone, nothing wider than the screen."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from jiliang.core.testing.matrix import build_world
from jiliang.core.testing.phone import FITS, Screen, check_screen, sign_in
from jiliang.needs.models import Questionnaire
from jiliang.needs.services import questionnaires as services
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    load_reference_regions(Region)  # a transactional test starts from an empty database
    return build_world()


def test_a_bureau_builds_a_questionnaire(page, live_server, world, results_dir):
    url = live_server.url
    sign_in(page, url, world, "regulator_above")
    page.goto(url + reverse("questionnaires:questionnaire_list"))
    page.get_by_role("link", name="New questionnaire").click()
    page.locator("#id_title").fill("计量需求小调研")
    closes_on = timezone.localdate() + timedelta(days=20)
    page.locator("#id_closes_on").fill(closes_on.isoformat())
    page.locator("#id_reminder_days").fill("5")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.locator("main h1")).to_have_text("计量需求小调研")
    reminder_on = closes_on - timedelta(days=5)
    expect(page.locator("#auto-reminder")).to_have_text(f"automatic reminder on {reminder_on}")

    page.get_by_role("link", name="Add a section").click()
    page.locator("#id_title").fill("基本情况")
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Add a question").click()
    page.locator("#id_kind").select_option("single")
    page.locator("#id_label").fill("是否设有计量室")
    page.locator("#id_name").fill("has_lab")
    page.locator("#id_required").check()
    page.locator("#id_choices").fill("yes|是\nno|否")
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Add a question").click()
    page.locator("#id_kind").select_option("number")
    page.locator("#id_label").fill("计量人员数")
    page.locator("#id_name").fill("staff")
    page.locator("#id_unit").fill("人")
    page.locator("#id_minimum").fill("0")
    page.locator("#id_shown_when_question").select_option("has_lab")
    page.locator("#id_shown_when_op").select_option("equals")
    page.locator("#id_shown_when_value").fill("yes")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#question-staff")).to_contain_text("${has_lab} = 'yes'")

    # Moving the number above the question its logic reads is refused, naming it.
    # (htmx swaps the builder and the messages: the page is not reloaded.)
    page.evaluate("() => { window.notReloaded = true; }")
    page.locator("#question-staff").get_by_role("button", name="Move up").click()
    expect(page.locator("#jl-messages .alert-danger")).to_contain_text("refers to “has_lab”")
    questionnaire = Questionnaire.objects.get(title="计量需求小调研")
    assert list(questionnaire.questions.values_list("name", flat=True)) == ["has_lab", "staff"]
    assert page.evaluate("() => window.notReloaded === true")

    # A section added above and moved down: the order follows (with htmx, too).
    page.get_by_role("link", name="Add a section").click()
    page.locator("#id_title").fill("其他")
    page.get_by_role("button", name="Save").click()
    page.locator("#section-section_2").get_by_role("button", name="Move the section up").click()
    expect(page.locator("#builder section").first).to_have_id("section-section_2")
    expect(page.locator("#jl-messages .alert-danger")).to_have_count(0)

    page.get_by_role("link", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview.get_by_label("是")).to_be_disabled()
    expect(preview).to_contain_text("计量人员数")
    page.screenshot(path=results_dir / "questionnaire-preview.png", full_page=True)


def test_the_builder_on_a_phone(phone, live_server, world, results_dir):
    url = live_server.url
    questionnaire = services.questionnaire_from_template(
        actor=world.users["regulator_above"], owner=world.organisations["regulator_above"]
    )
    sign_in(phone, url, world, "regulator_above")
    for name, view in (
        ("builder", "questionnaire_detail"),
        ("preview", "questionnaire_preview"),
    ):
        screen = Screen(name, reverse(f"questionnaires:{view}", args=[questionnaire.pk]))
        check_screen(phone, url, screen, results_dir)
    phone.goto(url + reverse("questionnaires:questionnaire_list"))
    assert phone.evaluate(FITS)
    first_section = questionnaire.sections.first()
    phone.goto(url + reverse("questionnaires:question_add", args=[first_section.pk]))
    assert phone.evaluate(FITS)
    phone.screenshot(path=results_dir / "questionnaire-question-phone.png", full_page=True)
