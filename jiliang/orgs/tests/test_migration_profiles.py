"""Migration 0004 gives every enterprise recorded before it a profile, keeping ids and data."""

from importlib import import_module

import pytest
from django.apps import apps

from jiliang.orgs.enterprise_models import LEGACY_REASON
from jiliang.orgs.models import EnterpriseProfile, Organisation

migration = import_module("jiliang.orgs.migrations.0004_enterprise_database")


@pytest.mark.django_db
def test_existing_enterprises_keep_their_size_class_as_set_by_hand(world):
    EnterpriseProfile.objects.all().delete()  # as before the migration
    before = list(Organisation.objects.order_by("pk").values_list("pk", "name", "size_class"))
    migration.profile_existing_enterprises(apps, None)
    profiles = EnterpriseProfile.objects.order_by("pk")
    assert [p.organisation_id for p in profiles] == [
        world.organisations[actor].pk for actor in ("same_enterprise", "other_enterprise")
    ]
    assert {(p.size_class_override, p.size_class_override_reason) for p in profiles} == {
        ("small", LEGACY_REASON)
    }
    assert migration.LEGACY_REASON == LEGACY_REASON  # the service lets the rule replace it
    assert list(Organisation.objects.order_by("pk").values_list("pk", "name", "size_class")) == (
        before
    )
