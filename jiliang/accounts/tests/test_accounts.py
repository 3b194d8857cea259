"""Sign-in, throttling, password change, API tokens and the token command."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from jiliang.accounts import services
from jiliang.accounts.models import ApiToken
from jiliang.core.models import AuditEvent, RateCount

pytestmark = pytest.mark.django_db
PASSWORD = "correct-Horse-battery-9"


@pytest.fixture
def person():
    return services.user_create(
        actor=None, username="zhang", email="z@example.com", password=PASSWORD
    )


def sign_in(client, username, password, **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def test_sign_in_lands_on_the_dashboard_and_sign_out_ends_the_session(client, person):
    response = sign_in(client, "zhang", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("core:dashboard")
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert client.get(reverse("accounts:logout")).status_code == 405  # sign-out is a POST
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("core:dashboard")).status_code == 302


def test_repeated_failures_throttle_even_the_right_password(client, person, settings):
    settings.LOGIN_THROTTLE_FAILURES = 3
    for _attempt in range(3):
        assert sign_in(client, "zhang", "wrong").status_code == 200
    response = sign_in(client, "zhang", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert (
        response.context["form"].errors["__all__"][0].startswith(("Too many", "登录失败次数过多"))
    )


def test_throttle_window_expires(client, person, settings):
    settings.LOGIN_THROTTLE_FAILURES = 2
    for _attempt in range(2):
        sign_in(client, "zhang", "wrong")
    RateCount.objects.update(last="2000-01-01T00:00:00Z")
    assert sign_in(client, "zhang", PASSWORD).status_code == 302
    assert not RateCount.objects.filter(key="login:zhang|127.0.0.1").exists()


def test_failures_from_one_address_do_not_lock_the_user_out_elsewhere(client, person, settings):
    settings.LOGIN_THROTTLE_FAILURES = 3
    for _attempt in range(3):
        sign_in(Client(REMOTE_ADDR="203.0.113.7"), "zhang", "wrong")
    assert sign_in(Client(REMOTE_ADDR="203.0.113.7"), "zhang", PASSWORD).status_code == 200
    assert sign_in(client, "zhang", PASSWORD).status_code == 302  # the user, elsewhere


def test_a_username_guessed_from_many_addresses_is_throttled(client, person, settings):
    settings.LOGIN_THROTTLE_USERNAME_FAILURES = 4
    for index in range(4):
        sign_in(Client(REMOTE_ADDR=f"203.0.113.{index}"), "zhang", "wrong")
    assert sign_in(client, "zhang", PASSWORD).status_code == 200


def test_the_admin_sign_in_is_throttled_like_the_sites(client, person, settings):
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="zhang").update(is_staff=True)
    settings.LOGIN_THROTTLE_FAILURES = 2
    for _attempt in range(2):
        client.post("/admin/login/", {"username": "zhang", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "zhang", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert RateCount.objects.get(key="login:zhang|127.0.0.1").count == 2


def test_one_address_guessing_many_accounts_is_throttled(client, person, settings):
    settings.LOGIN_THROTTLE_ADDRESS_FAILURES = 4
    for index in range(4):
        sign_in(client, f"guess-{index}", "wrong")
    assert sign_in(client, "zhang", PASSWORD).status_code == 200
    assert sign_in(Client(REMOTE_ADDR="10.0.0.9"), "zhang", PASSWORD).status_code == 302


def test_behind_the_proxy_the_forwarded_address_is_throttled(person, settings):
    settings.LOGIN_THROTTLE_ADDRESS_FAILURES = 2
    settings.BEHIND_PROXY = True
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    for index in range(2):
        sign_in(Client(), f"guess-{index}", "wrong", **attacker)
    assert sign_in(Client(), "zhang", PASSWORD, **attacker).status_code == 200
    assert (
        sign_in(Client(), "zhang", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302
    )


def test_a_ten_megabyte_password_is_refused_with_400(client, person):
    response = sign_in(client, "zhang", "x" * 10_000_000)
    assert response.status_code == 400
    assert not RateCount.objects.exists()


def test_an_overlong_password_is_a_form_error_not_a_hash(client, person):
    response = sign_in(client, "zhang", "x" * 5000)
    assert response.status_code == 200
    assert "password" in response.context["form"].errors


def test_password_change_keeps_the_session_and_is_audited(client, person):
    client.force_login(person)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-Secret-42",
            "new_password2": "another-Secret-42",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200
    person.refresh_from_db()
    assert person.check_password("another-Secret-42")
    assert AuditEvent.objects.filter(action="accounts.password.changed").exists()


def test_password_change_rejects_a_wrong_old_password(client, person):
    client.force_login(person)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "nope",
            "new_password1": "another-Secret-42",
            "new_password2": "another-Secret-42",
        },
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_token_command_prints_a_working_token_and_revocation_stops_it(person):
    out = io.StringIO()
    call_command("token", "create", "zhang", stdout=out)
    raw = out.getvalue().strip()
    api = Client(headers={"authorization": f"Bearer {raw}"})
    me = api.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["username"] == "zhang"
    token = ApiToken.objects.get(user=person)
    assert raw not in token.key_hash  # only the hash is stored
    services.token_revoke(actor=person, token=token)
    revoked = api.get("/api/v1/me")
    assert revoked.status_code == 401
    assert revoked.json()["detail"]


def test_token_command_names_an_unknown_user():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nobody"):
        call_command("token", "create", "nobody")


def test_tokens_are_created_and_revoked_in_the_ui(client, person):
    client.force_login(person)
    response = client.post(reverse("accounts:token_list"), {"name": "ERP 同步"})
    raw = response.context["new_raw_key"]
    assert raw.encode() in response.content
    token = ApiToken.objects.get(user=person)
    assert client.get(reverse("accounts:token_list")).content.count(raw.encode()) == 0
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert not token.is_active
    assert Client(headers={"authorization": f"Bearer {raw}"}).get("/api/v1/me").status_code == 401


def test_an_inactive_users_token_is_refused(person):
    _token, raw = services.token_create(actor=person, user=person, name="x")
    get_user_model().objects.filter(pk=person.pk).update(is_active=False)
    assert Client(headers={"authorization": f"Bearer {raw}"}).get("/api/v1/me").status_code == 401
