"""The main flow on a phone (375 px): the enterprise states a problem, the bureau assigns it to an
expert, the expert starts and proposes a solution, the enterprise confirms it with a rating."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from jiliang.core.testing.matrix import build_world
from jiliang.core.testing.phone import FITS, Screen, check_screen, set_cookies, sign_in
from jiliang.experts.models import Problem
from jiliang.experts.tests.problems_world import register_expert
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(phone, what):
    assert phone.evaluate(FITS), f"{what} is wider than the phone"


def save(phone, form_id):
    phone.locator(f"#{form_id}").get_by_role("button", name="Save").click()


def test_a_problem_from_statement_to_confirmation_on_a_phone(phone, live_server, results_dir):
    load_reference_regions(Region)  # a transactional test starts from an empty database
    world = build_world()
    expert = register_expert(world, "problem-expert")
    base = live_server.url

    sign_in(phone, base, world, "same_enterprise")
    check_screen(
        phone,
        base,
        Screen("problems", reverse("problems:problem_list"), ("link", "State a problem")),
    )
    phone.get_by_role("link", name="State a problem").click()
    phone.get_by_label("Title").fill("压力变送器溯源困难")
    phone.get_by_label("Category").select_option("traceability")
    phone.get_by_label("Field").select_option("mechanics")
    phone.get_by_label("Description").fill("本地缺少 0.1 级压力标准装置。")
    fits(phone, "the form")
    phone.get_by_role("button", name="Save").click()
    expect(phone.locator("#problem-state")).to_have_text("New")
    problem = Problem.objects.get()

    sign_in(phone, base, world, "regulator_above")
    phone.goto(base + reverse("problems:problem_list") + "?state=new")
    expect(phone.locator("#problem-counts")).to_be_visible()
    fits(phone, "the triage queue")
    phone.get_by_role("link", name="压力变送器溯源困难").click()
    phone.locator("#problem-assign").get_by_label("Expert", exact=True).select_option(
        str(expert.pk)
    )
    phone.locator("#problem-assign").get_by_label("Target (working days)").fill("10")
    fits(phone, "the problem page")
    save(phone, "problem-assign")
    expect(phone.locator("#problem-state")).to_have_text("Assigned")
    expect(phone.locator("#problem-assignees")).to_contain_text("problem-expert")

    session = world.client_for("same_enterprise")  # any client: the expert signs in by session
    session.force_login(expert.user)
    phone.context.clear_cookies()
    set_cookies(phone, base, sessionid=session.cookies["sessionid"].value, django_language="en")
    phone.goto(base + problem.get_absolute_url())
    save(phone, "problem-start")
    expect(phone.locator("#problem-state")).to_have_text("In progress")
    phone.locator("#problem-propose").get_by_label("Proposed solution").fill(
        "送省计量院用 0.02 级活塞式压力计校准。"
    )
    save(phone, "problem-propose")
    expect(phone.locator("#problem-state")).to_have_text("Solution proposed")

    sign_in(phone, base, world, "same_enterprise")
    phone.goto(base + problem.get_absolute_url())
    confirm = phone.locator("#problem-confirm")
    confirm.get_by_label("5").check()
    confirm.get_by_label("Comment on the solution").fill("问题已解决")
    fits(phone, "the confirmation")
    phone.screenshot(path=str(results_dir / "problem-confirm.png"), full_page=True)
    save(phone, "problem-confirm")
    expect(phone.locator("#problem-state")).to_have_text("Solved")
    expect(phone.locator("#problem-timeline li")).to_have_count(5)
    fits(phone, "the solved problem")
    problem.refresh_from_db()
    assert (problem.state, problem.rating) == ("solved", 5)
