"""Account pages: sign-up, sign-in with lock-outs, sign-out, the account and its email
verification, and notifications."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language

from members.forms import LoginForm, SignupForm
from members.http import AuthenticatedHttpRequest
from members.models import User
from members.selectors import notification_list
from members.services import (
    Lockout,
    VerificationRefused,
    email_verification_check,
    email_verification_confirm,
    email_verification_send,
    notifications_mark_read,
    user_language_set,
    user_register,
)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_register(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            full_name=form.cleaned_data["full_name"],
            # The language the person signed up in is the one of their pages and emails.
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome. Your account is ready: start your first appraisal."))
        return redirect("appraisals:submission-start")
    status = 400 if request.method == "POST" else 200
    return render(request, "members/signup.html", {"form": form}, status=status)


def lockout_respond(response: HttpResponse, lockout: Lockout) -> HttpResponse:
    """A refused sign-in page says "locked" to machines too: 429 and when to come back."""
    response.status_code = 429
    response["Retry-After"] = str(int(lockout.retry_after.total_seconds()) + 1)
    return response


def language_cookie_set(response: HttpResponse, language: str) -> HttpResponse:
    """Pages follow ``language`` from the next request on (as Django's ``set_language`` does)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


class LoginView(auth_views.LoginView):
    """Sign-in; the member's saved language applies to the pages from the first one on."""

    template_name = "members/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        language = cast(User, form.get_user()).language
        if language in dict(settings.LANGUAGES):
            translation.activate(language)  # for anything still rendered in this request
            language_cookie_set(response, language)
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        lockout = cast(LoginForm, form).lockout  # the authentication_form above
        if lockout is not None:
            return lockout_respond(response, lockout)
        response.status_code = 400
        return response


class LogoutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "members/password_reset.html"
    email_template_name = "members/email/password_reset.txt"
    subject_template_name = "members/email/password_reset_subject.txt"
    success_url = reverse_lazy("members:password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "members/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "members/password_reset_confirm.html"
    success_url = reverse_lazy("members:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "members/password_reset_complete.html"


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        notifications_mark_read(user=request.user)
        return redirect("members:notifications")
    items = list(notification_list(user=request.user))
    return render(request, "members/notifications.html", {"notifications": items})


@require_http_methods(["POST"])
def language_choose(request: HttpRequest) -> HttpResponse:
    """Switch the site's language; for a signed-in person, emails follow the choice too."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated:
        try:
            user_language_set(user=request.user, language=language)
        except ValidationError:
            pass  # not a language we offer: set_language ignored it too
    return response


@login_required
@require_http_methods(["GET"])
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "members/account.html", {"account": request.user})


@login_required
@require_http_methods(["POST"])
def email_verification_request(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The account page's "Verify your email" button: one email per few minutes."""
    try:
        email_verification_send(user=request.user)
    except VerificationRefused as refused:
        messages.error(request, refused.message)
        status = 429 if refused.code == "too_soon" else 400
        response = render(request, "members/account.html", {"account": request.user}, status=status)
        if refused.retry_after is not None:
            response["Retry-After"] = str(refused.retry_after)
        return response
    messages.success(
        request,
        _("We sent a verification link to %(email)s. Open it to verify your address.")
        % {"email": request.user.email},
    )
    return redirect("members:account")


@login_required
@require_http_methods(["GET", "POST"])
def email_verify(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """A link from the verification email: a page with a button, and the button confirms.

    Only the account the link was sent to may use it: someone else signed in gets a 403 that
    says so, and the link stays unused.
    """
    try:
        if request.method == "POST":
            email_verification_confirm(token=token, user=request.user)
            messages.success(request, _("Thank you: your email address is verified."))
            return redirect("members:account")
        email_verification_check(token=token, user=request.user)
    except VerificationRefused as refused:
        status = 403 if refused.code == "other_account" else 400
        return render(request, "members/email_verify.html", {"refused": refused}, status=status)
    return render(request, "members/email_verify.html", {"account": request.user})
