"""Counting events per key within a window: failed sign-ins, public look-ups.

A count restarts when its key has been quiet for a whole window. Keys name what they count:
``login:zhang|203.0.113.7``, ``ip:203.0.113.7``, ``certificate-check:203.0.113.7``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.response import TemplateResponse
from django.utils import timezone
from ninja.throttling import BaseThrottle

from jiliang.core.models import RateCount

KEY_LENGTH = 200


def client_address(request) -> str:
    """The client's address: behind the platform's own proxy, the last hop it added."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def reached(limits: dict[str, int], window: timedelta) -> bool:
    """Whether any key has reached its limit (``limits``: {key: limit}) within the window."""
    recent = RateCount.objects.filter(
        key__in=[key[:KEY_LENGTH] for key in limits], last__gte=timezone.now() - window
    )
    by_key = {key[:KEY_LENGTH]: limit for key, limit in limits.items()}
    return any(row.count >= by_key[row.key] for row in recent)


def count(keys, window: timedelta) -> None:
    """One more event for each key."""
    now = timezone.now()
    for key in keys:
        with transaction.atomic():
            row, created = RateCount.objects.select_for_update().get_or_create(
                key=key[:KEY_LENGTH], defaults={"count": 1, "last": now}
            )
            if not created:
                # An event after a quiet window starts a new count.
                events = F("count") + 1 if row.last >= now - window else 1
                RateCount.objects.filter(pk=row.pk).update(count=events, last=now)


def allow(key: str, limit: int, window: timedelta) -> bool:
    """Count an event of ``key``; False once it is over ``limit`` within the window."""
    if reached({key: limit}, window):
        return False
    count([key], window)
    return True


def forget(key: str) -> None:
    RateCount.objects.filter(key=key[:KEY_LENGTH]).delete()


class RateLimitedMixin:
    """A view whose every request counts against its client's address: past ``rate_limit()``
    requests an hour it answers 429 with Retry-After."""

    rate_key = ""
    window = timedelta(hours=1)

    def rate_limit(self) -> int:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        key = f"{self.rate_key}:{client_address(request)}"
        if not allow(key, self.rate_limit(), self.window):
            return too_many_requests(request, self.window)
        return super().dispatch(request, *args, **kwargs)


class APIThrottle(BaseThrottle):
    """The same count for an API operation (``throttle=``): past ``limit`` requests within the
    window from one address it answers 429 with Retry-After. Sharing a page's ``key`` shares its
    count, so an address gets no more by using both."""

    def __init__(self, key: str, limit: int, window: timedelta = timedelta(hours=1)):
        self.key, self.limit, self.window = key, limit, window

    def allow_request(self, request) -> bool:
        return allow(f"{self.key}:{client_address(request)}", self.limit, self.window)

    def wait(self) -> float:
        return self.window.total_seconds()


def too_many_requests(request, window: timedelta) -> TemplateResponse:
    minutes = int(window.total_seconds() // 60)
    response = TemplateResponse(request, "429.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(int(window.total_seconds()))
    return response
