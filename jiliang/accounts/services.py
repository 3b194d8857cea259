"""Every write to accounts: users, passwords, API tokens and the login throttle."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from jiliang.accounts.models import ApiToken, hash_token
from jiliang.core import audit, ratelimit
from jiliang.core.services import require_editable

# Writing last_used on every request would turn each API read into a write.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    email: str,
    password: str | None = None,
    check_password_strength: bool = True,
    **fields,
):
    """A new account; without a password it cannot sign in until one is set.

    Only the demo loader skips the strength check, for its documented shared password.
    """
    user = get_user_model()(username=username, email=email, **fields)
    if password:
        if check_password_strength:
            validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(
        actor=actor,
        action="accounts.user.created",
        instance=user,
        changes={"username": [None, username], "email": [None, email]},
    )
    return user


@transaction.atomic
def password_set(*, actor, user, password: str) -> None:
    """Set a validated password; the form has already checked the old one."""
    require_editable(actor, user)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor=actor, action="accounts.password.changed", instance=user)


@transaction.atomic
def token_create(*, actor, user, name: str) -> tuple[ApiToken, str]:
    """A new API token; returns it with the raw key, which is never stored."""
    require_editable(actor, user)
    raw = ApiToken.generate_raw()
    token = ApiToken(user=user, name=name, key_hash=hash_token(raw), prefix=raw[:8])
    token.full_clean()
    token.save()
    audit.record(actor=actor, action="accounts.token.created", instance=token)
    return token, raw


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    require_editable(actor, token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="accounts.token.revoked", instance=token)
    return token


def token_authenticate(raw: str):
    """The active user behind a raw token, or None for an unknown or revoked token."""
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(key_hash=hash_token(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used > TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user


def _throttle_limits(*, username: str, client_address: str) -> dict[str, int]:
    """Each throttle key with its failure limit: a username from one address is stopped soon,
    so that nobody elsewhere can lock a user out at will; an address guessing many usernames,
    and a username guessed from many addresses, later."""
    user = username.strip().lower()[:150]
    return {
        f"login:{user}|{client_address}": settings.LOGIN_THROTTLE_FAILURES,
        f"ip:{client_address}": settings.LOGIN_THROTTLE_ADDRESS_FAILURES,
        f"user:{user}": settings.LOGIN_THROTTLE_USERNAME_FAILURES,
    }


def login_is_throttled(*, username: str, client_address: str) -> bool:
    """True while a key has reached its failure limit within the throttle window."""
    limits = _throttle_limits(username=username, client_address=client_address)
    return ratelimit.reached(limits, timedelta(seconds=settings.LOGIN_THROTTLE_SECONDS))


def login_failed(*, username: str, client_address: str) -> None:
    keys = _throttle_limits(username=username, client_address=client_address)
    ratelimit.count(keys, timedelta(seconds=settings.LOGIN_THROTTLE_SECONDS))


def login_succeeded(*, username: str, client_address: str) -> None:
    """A successful sign-in clears the count of its username from its address only."""
    limits = _throttle_limits(username=username, client_address=client_address)
    ratelimit.forget(next(iter(limits)))
