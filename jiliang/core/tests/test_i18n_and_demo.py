"""Chinese by default with English on request; the demo loads once and every user lands home."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from jiliang.orgs.models import Membership, Organisation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

DEMO_DASHBOARDS = {
    "demo-enterprise": "enterprise",
    "demo-enterprise-b": "enterprise",
    "demo-institution": "institution",
    "demo-expert": "expert",
    "demo-city": "regulator",
    "demo-province": "regulator",
    "demo-admin": "administrator",
}


def test_every_message_is_translated_to_chinese():
    catalogue = polib.pofile(str(CATALOGUE))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert catalogue.percent_translated() == 100


@pytest.mark.django_db
def test_chinese_by_default_even_for_an_english_browser_and_english_on_request():
    client = Client(headers={"accept-language": "en-US,en;q=0.9"})
    assert "登录".encode() in client.get(reverse("accounts:login")).content
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert b"Sign in" in client.get(reverse("accounts:login")).content


@pytest.mark.django_db
def test_demo_is_idempotent_and_every_demo_user_lands_on_their_dashboard():
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (
        get_user_model().objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
    )
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts == (
        get_user_model().objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
    )
    for username, role in DEMO_DASHBOARDS.items():
        client = Client()
        assert client.login(username=username, password="jiliang-demo"), username
        response = client.get(reverse("core:dashboard"))
        assert response.status_code == 200
        assert f"core/dashboard_{role}.html" in [t.name for t in response.templates], username
        assert get_user_model().objects.get(username=username).email == f"{username}@example.com"


@pytest.mark.django_db
def test_the_city_regulator_of_the_demo_does_not_see_gongyi():
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    client = Client()
    client.login(username="demo-city", password="jiliang-demo")
    listing = client.get(reverse("orgs:organisation_list")).content.decode()
    assert "郑州恒信精密机械有限公司" in listing
    assert "巩义豫丰耐材有限公司" not in listing
    client.login(username="demo-province", password="jiliang-demo")
    assert "巩义豫丰耐材有限公司" in client.get(reverse("orgs:organisation_list")).content.decode()


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow_with_data(world, django_assert_max_num_queries):
    client = world.client_for("regulator_above")
    with django_assert_max_num_queries(15):
        client.get(reverse("core:dashboard"))
