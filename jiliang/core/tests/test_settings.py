import pytest
from django.core.exceptions import ImproperlyConfigured

from jiliang.settings import email_settings


def test_no_email_url_prints_a_line_per_message_to_the_console(capsys, settings):
    settings.EMAIL_BACKEND = email_settings("")["EMAIL_BACKEND"]
    from django.core.mail import send_mail

    send_mail("检定到期提醒", "body " * 200, "a@example.com", ["zhang@example.com"])
    assert capsys.readouterr().err == "e-mail to zhang@example.com: 检定到期提醒\n"
    assert email_settings("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")


def test_smtps_url_with_credentials():
    config = email_settings("smtps://jiliang%40example.com:p%40ss@mail.example.com")
    assert config["EMAIL_HOST"] == "mail.example.com"
    assert config["EMAIL_PORT"] == 465
    assert config["EMAIL_HOST_USER"] == "jiliang@example.com"
    assert config["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert config["EMAIL_USE_SSL"] is True
    assert config["EMAIL_USE_TLS"] is False


def test_smtp_on_587_uses_starttls():
    config = email_settings("smtp://relay.local:587")
    assert (config["EMAIL_PORT"], config["EMAIL_USE_TLS"], config["EMAIL_USE_SSL"]) == (
        587,
        True,
        False,
    )
    assert email_settings("smtp://relay.local:2525")["EMAIL_USE_TLS"] is False


def test_an_unknown_scheme_is_named():
    with pytest.raises(ImproperlyConfigured, match="imap://"):
        email_settings("imap://mail.example.com")
