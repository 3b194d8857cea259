from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from jiliang.accounts import services
from jiliang.accounts.models import ApiToken

# Longer input is refused before hashing; no real password comes near this.
PASSWORD_MAX_LENGTH = 4096


def client_address(request) -> str:
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


class LoginForm(auth_forms.AuthenticationForm):
    """Sign-in that slows down guessing: after repeated failures it refuses for a while."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "throttled": _(
            "Too many failed sign-ins for this account or address. "
            "Wait %(minutes)d minutes and try again."
        ),
    }

    def clean(self):
        throttle = {
            "username": self.cleaned_data.get("username") or "",
            "client_address": client_address(self.request),
        }
        if services.login_is_throttled(**throttle):
            raise forms.ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": settings.LOGIN_THROTTLE_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            services.login_failed(**throttle)
            raise
        services.login_succeeded(username=throttle["username"])
        return cleaned


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
