"""The consultation pages: asking (with the slot for suggested answers), the time limit shown
to both sides, the expert's inbox overdue first, the forms by role on the thread, the public
questions without signing in; and what the part plugs in (to-dos, the enterprise's page,
navigation)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jiliang.core import navigation
from jiliang.core.dashboards import registry
from jiliang.core.roles import DashboardRole
from jiliang.experts.hooks import consultations as hooks
from jiliang.experts.models import Consultation
from jiliang.experts.services import consultations as services
from jiliang.experts.tests.consultations_world import build_consultations

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def work(world):
    return build_consultations(world)


def test_the_ask_form_has_the_suggestions_slot_and_asks(world, work):
    client = world.client_for("same_enterprise", language="en")
    url = reverse("consultations:ask")
    page = client.get(url).content.decode()
    assert 'id="suggested-answers"' in page
    refused = client.post(url, {"field": "mechanics", "title": "", "body": ""})
    assert refused.status_code == 400
    too_long = client.post(url, {"field": "mechanics", "title": "问", "body": "长" * 50_000})
    assert too_long.status_code == 400
    assert "5000" in too_long.content.decode()
    response = client.post(url, {"field": "mechanics", "title": "压力表检定", "body": "周期"})
    consultation = Consultation.objects.get(title="压力表检定")
    assert response.url == consultation.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "3 working days left" in page
    assert "Ask a follow-up question" not in page


def test_both_sides_see_the_time_limit_and_overdue_is_highlighted(world, work):
    Consultation.objects.filter(pk=work.private.pk).update(
        answer_due_on=timezone.localdate() - timedelta(days=10)
    )
    for actor in ("same_enterprise", "institution"):
        page = world.client_for(actor, language="en").get(
            reverse("consultations:detail", args=[work.private.pk])
        )
        assert "consultation-overdue" in page.content.decode(), actor
    inbox = world.client_for("institution", language="en").get(reverse("consultations:inbox"))
    listed = [c.pk for c in inbox.context["object_list"]]
    assert listed == [work.private.pk, work.public.pk, work.answered.pk]  # overdue first
    assert 'class="table-danger"' in inbox.content.decode()


def test_the_thread_shows_forms_by_role(world, work):
    url = reverse("consultations:detail", args=[work.answered.pk])
    asker = world.client_for("same_enterprise", language="en").get(url).context
    assert asker["reply_form"]
    assert asker["accept_form"]
    assert asker["can_close"]
    assert asker["reassign_form"] is None
    expert = world.client_for("institution", language="en").get(url).context
    assert expert["reply_form"]
    assert expert["reassign_form"]
    assert expert["accept_form"] is None
    assert not expert["can_close"]
    viewer = world.client_for("same_enterprise_viewer", language="en").get(url).context
    assert not (viewer["reply_form"])
    assert not (viewer["accept_form"])
    assert not (viewer["reassign_form"])


def test_accepting_with_a_rating_from_the_page(world, work):
    client = world.client_for("same_enterprise", language="en")
    reply = work.answered.replies.get()
    url = reverse("consultations:accept", args=[work.answered.pk])
    assert client.post(url, {"reply": reply.pk, "rating": 9}).status_code == 400
    response = client.post(url, {"reply": reply.pk, "rating": 4, "comment": "好"})
    assert response.status_code == 302
    work.answered.refresh_from_db()
    assert work.answered.rating == 4


def test_public_questions_are_read_without_signing_in(world, work):
    anonymous = Client()
    listing = anonymous.get(reverse("consultations:public"))
    assert [c.pk for c in listing.context["object_list"]] == [work.public.pk]
    page = anonymous.get(reverse("consultations:detail", args=[work.public.pk]))
    assert page.status_code == 200
    assert "一般压力表的检定周期是多长？" in page.content.decode()
    assert "Send the answer" not in page.content.decode()
    assert world.enterprise.name not in page.content.decode()  # who asked is not public
    hidden = anonymous.get(reverse("consultations:detail", args=[work.private.pk]))
    assert hidden.status_code == 302
    assert "login" in hidden.url
    filtered = anonymous.get(reverse("consultations:public"), {"field": "thermal"})
    assert list(filtered.context["object_list"]) == []


# Plugged in -------------------------------------------------------------------------------------


def test_to_dos_for_the_expert_and_the_asker(world, work, django_assert_max_num_queries):
    today = timezone.localdate()
    with django_assert_max_num_queries(2):  # the scope, the counts
        counts = [t.count for t in hooks.todos(world.users["institution"], today)]
    assert counts == [0, 2, 0]
    later = work.private.answer_due_on + timedelta(days=1)
    assert [t.count for t in hooks.todos(world.users["institution"], later)] == [2, 2, 0]
    asker = hooks.todos(world.users["same_enterprise"], today)
    assert [(t.count, t.url) for t in asker][2] == (1, reverse("consultations:list"))
    services.escalate_overdue(today=later)
    assert [t.count for t in hooks.todos(work.other.user, later)] == [2, 2, 0]


def test_the_enterprise_page_shows_its_consultations_to_who_sees_them(world, work):
    def shown(actor):
        panels = registry.organisation_page(world.users[actor], world.enterprise)
        found = {p.key: p.context for p in panels}.get("experts.consultations")
        return {c.pk for c in found["consultations"]} if found else set()

    everything = {work.private.pk, work.answered.pk, work.public.pk}
    assert shown("same_enterprise") == everything
    assert shown("institution") == everything
    assert shown("regulator_above") == {work.public.pk}  # private questions stay private


def test_the_navigation_section(world):
    sections = {s.key: s for s in navigation.sections_for(DashboardRole.ENTERPRISE)}
    assert sections["consultations"].url == reverse("consultations:list")
    assert sections["consultations"].icon == "chat-dots"
    assert "consultations" not in {
        s.key for s in navigation.sections_for(DashboardRole.ADMINISTRATOR)
    }


def test_the_bureau_is_offered_to_add_an_accepted_public_answer_to_the_common_questions(
    world, work
):
    public = work.public
    answer = services.consultation_reply(
        actor=world.users["institution"], consultation=public, body="一般不超过半年。"
    )
    url = reverse("consultations:detail", args=[public.pk])
    collect = reverse("knowledge:entry_from_consultation", args=[public.pk])
    bureau = world.client_for("regulator_above", language="en")
    assert collect not in bureau.get(url).content.decode()  # not accepted yet
    services.consultation_accept(
        actor=world.users["same_enterprise"], consultation=public, reply=answer, rating=5
    )
    assert collect in bureau.get(url).content.decode()
    asker = world.client_for("same_enterprise", language="en")
    assert collect not in asker.get(url).content.decode()


def test_the_to_dos_take_today_when_no_day_is_given(world, work):
    # The dashboard registry may ask without a day (core.dashboards.todos(..., today=None)).
    expert = world.users["institution"]
    without_day = {todo.label: todo.count for todo in hooks.todos(expert, None)}
    today = {todo.label: todo.count for todo in hooks.todos(expert, timezone.localdate())}
    assert without_day == today
    assert sum(without_day.values()) >= 2
