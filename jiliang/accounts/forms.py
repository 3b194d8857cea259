from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from jiliang.accounts import services
from jiliang.accounts.models import ApiToken
from jiliang.core import ratelimit

# Longer input is refused before hashing; no real password comes near this.
PASSWORD_MAX_LENGTH = 4096


THROTTLED = _(
    "Too many failed sign-ins for this account or address. Wait %(minutes)d minutes and try again."
)


def password_field() -> forms.CharField:
    return forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ThrottledSignIn:
    """Sign-in that slows down guessing: after repeated failures it refuses for a while. Mixed
    into the site's and the Django admin's sign-in forms."""

    def clean(self):
        throttle = {
            "username": self.cleaned_data.get("username") or "",
            "client_address": ratelimit.client_address(self.request),
        }
        if services.login_is_throttled(**throttle):
            raise forms.ValidationError(
                THROTTLED,
                code="throttled",
                params={"minutes": settings.LOGIN_THROTTLE_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            services.login_failed(**throttle)
            raise
        services.login_succeeded(**throttle)
        return cleaned


class LoginForm(ThrottledSignIn, auth_forms.AuthenticationForm):
    password = password_field()


class AdminLoginForm(ThrottledSignIn, AdminAuthenticationForm):
    """The Django admin's sign-in, throttled like the site's."""

    password = password_field()


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Validates only; the view saves through ``services.password_set``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("old_password", "new_password1", "new_password2"):
            self.fields[name].validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))


class TokenCreateForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]
        help_texts = {"name": _("What the token is for, e.g. ‘ERP sync’.")}
