"""The admin site (the expert console): its titles, and a sign-in that goes through the same
lock-out as the site's own (members.forms.LoginForm) and, like it, applies the member's saved
language from the first page on."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _

from members.forms import AdminLoginForm, LoginForm
from members.models import User
from members.views import language_cookie_set, lockout_respond


class AdminSite(admin.AdminSite):
    site_header = _("authplatform — expert console")
    site_title = _("authplatform admin")
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
        if (
            request.method == "POST"
            and response.status_code == 302
            and request.user.is_authenticated
        ):
            # Signed in now: the pages follow the member's saved language, as after the
            # site's own sign-in (members.views.LoginView).
            language = cast(User, request.user).language
            if language in dict(settings.LANGUAGES):
                language_cookie_set(response, language)
        return response
