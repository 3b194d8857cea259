"""Users and API tokens."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiliang.core.scoping import ScopedQuerySet

TOKEN_PREFIX = "jl_"


class UserQuerySet(ScopedQuerySet):
    def visible_condition(self, scope):
        # Yourself, and the members of organisations you administer.
        return Q(pk=scope.user_id) | Q(
            memberships__organisation__in=scope.organisation_ids(frozenset({"admin"}))
        )

    def editable_condition(self, scope):
        return Q(pk=scope.user_id)

    def visible_to(self, user):
        return super().visible_to(user).distinct()


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in; what they may do comes from their memberships."""

    phone = models.CharField(_("phone"), max_length=40, blank=True)

    objects = ScopedUserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.get_full_name() or self.username


class ApiTokenQuerySet(ScopedQuerySet):
    def visible_condition(self, scope):
        return Q(user_id=scope.user_id)

    editable_condition = visible_condition

    def active(self):
        return self.filter(revoked_at__isnull=True)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the raw value is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("begins with"), max_length=12, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate_raw() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
