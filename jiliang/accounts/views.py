from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from jiliang.accounts import selectors, services
from jiliang.accounts.forms import LoginForm, PasswordChangeForm, TokenCreateForm
from jiliang.accounts.models import ApiToken
from jiliang.core.forms import ConfirmForm
from jiliang.core.views import ScopedActionView


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class ProfileView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/profile.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            memberships=selectors.own_memberships(user=self.request.user), **kwargs
        )


class PasswordChangeView(LoginRequiredMixin, FormView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        user = self.request.user
        services.password_set(actor=user, user=user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)


class TokenListView(LoginRequiredMixin, FormView):
    """The user's API tokens; a new token's key is shown once, right after creation."""

    form_class = TokenCreateForm
    template_name = "accounts/token_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            tokens=selectors.token_list(user=self.request.user), **kwargs
        )

    def form_valid(self, form):
        user = self.request.user
        token, raw = services.token_create(actor=user, user=user, name=form.cleaned_data["name"])
        return render(
            self.request,
            self.template_name,
            self.get_context_data(form=self.form_class(), new_token=token, new_raw_key=raw),
        )


class TokenRevokeView(ScopedActionView):
    model = ApiToken
    form_class = ConfirmForm
    template_name = "accounts/token_revoke.html"
    success_message = _("The token was revoked.")

    def perform(self, form):
        return services.token_revoke(actor=self.request.user, token=self.object)

    def get_success_url(self, result=None):
        return reverse_lazy("accounts:token_list")
