"""The consultation channel on a phone (375 px): an enterprise asks, the expert it is routed
to answers from the inbox, the enterprise accepts the answer and rates it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from jiliang.core.testing.matrix import build_world
from jiliang.core.testing.phone import FITS, Screen, check_screen, sign_in
from jiliang.experts.choices import ConsultationState
from jiliang.experts.models import Consultation
from jiliang.experts.tests.consultations_world import register_expert
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ask_answer_accept_and_rate_on_a_phone(phone, live_server, results_dir):
    load_reference_regions(Region)  # a transactional test starts from an empty database
    world = build_world()
    register_expert(world, world.users["institution"])
    base = live_server.url

    sign_in(phone, base, world, "same_enterprise")
    ask = reverse("consultations:ask")
    check_screen(phone, base, Screen("consultation-ask", ask, ("button", "Ask")), results_dir)
    expect(phone.locator("#suggested-answers")).to_be_attached()
    phone.get_by_label("Field").select_option("mechanics")
    phone.get_by_label("Question").fill("一般压力表的检定周期是多长？")
    phone.get_by_label("Details").fill("锅炉房的压力表，0–1.6 MPa，共 40 块。")
    phone.get_by_role("button", name="Ask", exact=True).click()
    expect(phone.locator("#consultation-limit")).to_contain_text("3 working days left")
    consultation = Consultation.objects.get()
    assert consultation.assigned_expert.user == world.users["institution"]
    assert phone.evaluate(FITS)

    sign_in(phone, base, world, "institution")
    inbox = reverse("consultations:inbox")
    check_screen(phone, base, Screen("consultation-inbox", inbox), results_dir)
    phone.get_by_role("link", name="一般压力表的检定周期是多长？").click()
    expect(phone.locator("#consultation-limit")).to_contain_text("working days left")
    phone.get_by_label("Your reply").fill("依据 JJG 52-2013，检定周期一般不超过半年。")
    phone.get_by_role("button", name="Send the answer").click()
    expect(phone.locator(".consultation-thread")).to_contain_text("JJG 52-2013")
    assert phone.evaluate(FITS)

    sign_in(phone, base, world, "same_enterprise")
    thread = consultation.get_absolute_url()
    check_screen(
        phone,
        base,
        Screen("consultation-thread", thread, ("button", "Accept the answer")),
        results_dir,
    )
    phone.get_by_label("Rating").select_option("4")
    phone.get_by_label("Comment").fill("回答很清楚")
    phone.get_by_role("button", name="Accept the answer").click()
    expect(phone.locator("#consultation-rating")).to_contain_text("4 / 5")
    consultation.refresh_from_db()
    assert (consultation.state, consultation.rating) == (ConsultationState.ACCEPTED, 4)
    assert phone.evaluate(FITS)
    for name in ("list", "public"):
        check_screen(phone, base, Screen(f"consultation-{name}", reverse(f"consultations:{name}")))
