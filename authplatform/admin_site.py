"""The admin site (the expert console): its titles, and a sign-in that goes through the same
lock-out as the site's own (members.forms.LoginForm)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator

from members.forms import AdminLoginForm, LoginForm
from members.views import lockout_respond


class AdminSite(admin.AdminSite):
    site_header = "authplatform — expert console"
    site_title = "authplatform admin"
    login_form = AdminLoginForm

    @method_decorator(login_not_required)
    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().login(request, extra_context)
        # Django's login view answers a refused form with a TemplateResponse that still holds
        # the form, so a lock-out gets the site's 429 and Retry-After here too.
        form = (getattr(response, "context_data", None) or {}).get("form")
        if isinstance(form, LoginForm) and form.lockout is not None:
            return lockout_respond(response, form.lockout)
        return response
