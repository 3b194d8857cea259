"""Two questions asked at the same moment go to two different experts when two are available
(the round robin locks the expert it picks and skips one another ask has locked)."""

import pytest

from jiliang.core.testing.threads import in_threads
from jiliang.experts.models import Consultation
from jiliang.experts.services import consultations as services
from jiliang.experts.tests.consultations_world import new_user, register_expert


@pytest.mark.django_db(transaction=True)
def test_two_questions_asked_at_once_go_to_two_experts(shared_world):
    experts = [register_expert(shared_world, new_user(shared_world, f"expert-{n}")) for n in "ab"]
    asker = shared_world.users["same_enterprise"]

    def ask():
        services.consultation_ask(actor=asker, field="mechanics", title="同时提问")

    assert in_threads(2, ask) == []
    assigned = sorted(Consultation.objects.values_list("assigned_expert_id", flat=True))
    assert assigned == sorted(expert.pk for expert in experts)
