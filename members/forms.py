"""Forms for sign-up and sign-in."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from authplatform.client_address import client_ip
from members.models import User
from members.services import (
    Lockout,
    login_failure_record,
    login_lockout_get,
    login_success_record,
)


class SignupForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this email already exists. Sign in, or reset your password.")
            )
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            candidate = User(email=data.get("email", ""), full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class LoginForm(AuthenticationForm):
    """Django's sign-in form with lock-outs per account and per client address.

    Every sign-in page uses it (the site's and the admin's, see ``AdminLoginForm``), so they
    share one lock-out: each failure is recorded, and a success clears the account's failures.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That email and password don't match an account. Check both and try again."
        ),
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.ip_address = client_ip(request) if request is not None else None
        self.lockout: Lockout | None = None
        self.fields["username"].label = _("Email")

    def clean(self) -> dict[str, Any]:
        email = (self.data.get("username") or "").strip().lower()
        self.lockout = login_lockout_get(email=email, ip_address=self.ip_address)
        if self.lockout is not None:
            # Checked before the password so a locked account can't be probed further.
            raise forms.ValidationError(self.lockout.message, code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if email:
                login_failure_record(email=email, ip_address=self.ip_address)
            raise
        user = self.get_user()
        if user is not None:
            login_success_record(email=user.email)
        return cleaned


class AdminLoginForm(LoginForm, AdminAuthenticationForm):
    """The admin's sign-in: the site's lock-out, and the admin's own rule (staff only).

    A right password for an account that may not enter the admin fails like a wrong one, and
    is counted like one.
    """

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "That email and password don't match a staff account. Check both and try again."
        ),
    }
