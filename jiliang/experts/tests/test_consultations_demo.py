"""The consultations demo: questions of the demo enterprises in several fields, answered by the
registry demo's experts, accepted and rated, followed up, open, overdue and escalated; public
and private; loading twice adds nothing; the counters see the answered ones."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from jiliang.experts.choices import ConsultationState
from jiliang.experts.demos import consultations as demo
from jiliang.experts.demos import registry as registry_demo
from jiliang.experts.hooks.consultations import consultations_answered
from jiliang.experts.models import Consultation
from jiliang.orgs import demo as orgs_demo


@pytest.fixture
def loaded(db):
    admin = get_user_model().objects.create_superuser("demo-admin", "a@example.com", "x")
    orgs_demo.load(admin)
    registry_demo.load(admin)
    demo.load(admin)
    return admin


def test_questions_in_every_state_across_fields(loaded):
    consultations = Consultation.objects.all()
    assert consultations.count() == len(demo.QUESTIONS)
    assert consultations.values("field").distinct().count() >= 4
    assert {c.asker.username for c in consultations} == {"demo-enterprise", "demo-enterprise-b"}
    assert {c.is_public for c in consultations} == {True, False}
    states = set(consultations.values_list("state", flat=True))
    assert {
        ConsultationState.OPEN,
        ConsultationState.ANSWERED,
        ConsultationState.ACCEPTED,
    } <= states
    accepted = consultations.filter(state=ConsultationState.ACCEPTED)
    assert all(1 <= c.rating <= 5 for c in accepted)
    answerers = {
        r.expert.user.username
        for c in consultations
        for r in c.replies.filter(expert__isnull=False)
    }
    assert answerers
    assert all(name.startswith("expert-") or name == "demo-expert" for name in answerers)
    overdue = consultations.get(title=demo.OVERDUE_TITLE)
    assert overdue.escalated_group is not None
    assert overdue.workdays_overdue > 0
    assert consultations.filter(replies__expert__isnull=True, replies__isnull=False).exists()


def test_loading_twice_adds_nothing(loaded):
    before = Consultation.objects.count()
    demo.load(loaded)
    assert Consultation.objects.count() == before


def test_the_answered_questions_are_counted_in_the_askers_region(loaded):
    answered = Consultation.objects.filter(answered_at__isnull=False, region__isnull=False)
    assert answered.count() >= 3
    rows = consultations_answered(start=date(2000, 1, 1), end=timezone.localdate(), region_path="/")
    assert sorted(row["event_subject"] for row in rows) == sorted(c.pk for c in answered)
