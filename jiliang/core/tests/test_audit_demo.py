"""The demo's audit trail reads in words: every event it records has its sentence."""

import pytest
from django.core.management import call_command

from jiliang.core import audit
from jiliang.core.audit_display import describe
from jiliang.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_every_event_the_demo_records_is_registered_in_words():
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert actions
    assert actions <= set(audit.EVENT_TYPES), actions - set(audit.EVENT_TYPES)
    for event in describe(AuditEvent.objects.select_related("actor")):
        assert event.summary in {str(label) for label in audit.EVENT_TYPES.values()}
        for change in event.changed_fields:
            assert "certificates/" not in change.old + change.new, change
