"""Business logic for accounts: registration, email verification, roles, login lock-outs and
notifications."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from redis.exceptions import RedisError

from authplatform.errors import Refused
from members.models import LoginFailure, Notification, User
from members.roles import ADMIN_ROLES, ROLE_PERMISSIONS, Role

logger = logging.getLogger(__name__)


def roles_sync() -> None:
    """Create or update one group per role with exactly the permissions of ``ROLE_PERMISSIONS``.

    Permissions that don't exist yet (an app not migrated) are skipped; the next migrate
    adds them.
    """
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = []
        for dotted in codenames:
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                wanted.append(perm)
        group.permissions.set(wanted)


def user_role_grant(*, user: User, role: Role) -> None:
    """Put ``user`` in ``role``'s group; admin roles also get the admin's ``is_staff`` flag."""
    with transaction.atomic():
        group, _ = Group.objects.get_or_create(name=role.value)
        user.groups.add(group)
        if role in ADMIN_ROLES and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])


def user_register(*, email: str, password: str, full_name: str = "", language: str = "") -> User:
    """Create a buyer account. The caller has validated the password already.

    ``language`` (one of ``LANGUAGES``, else the default) is that of their pages and emails.
    """
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with transaction.atomic():
        user = User.objects.create_user(
            email=email, password=password, full_name=full_name, language=language
        )
        user_role_grant(user=user, role=Role.BUYER)
        try:
            email_verification_send(user=user)  # emailed once the account is committed
        except (VerificationRefused, RedisError):
            # The account matters more than the email: without Redis (the resend limit's
            # store) the member asks for a link from their account page later.
            logger.exception("no verification email at sign-up for user %s", user.pk)
    return user


@dataclass(frozen=True)
class Lockout:
    """Why sign-in is refused right now, and for how long."""

    scope: str  # "account" or "address"
    retry_after: timedelta

    @property
    def message(self) -> str:
        minutes = max(1, int(self.retry_after.total_seconds() // 60) + 1)
        if self.scope == "account":
            text = ngettext(
                "Too many failed sign-in attempts for this account. For your security, sign-in "
                "is paused for %(minutes)d minute. If you forgot your password, reset it instead.",
                "Too many failed sign-in attempts for this account. For your security, sign-in "
                "is paused for %(minutes)d minutes. If you forgot your password, reset it instead.",
                minutes,
            )
        else:
            text = ngettext(
                "Too many failed sign-in attempts from this network address. For your security, "
                "sign-in is paused for %(minutes)d minute. If you forgot your password, reset it "
                "instead.",
                "Too many failed sign-in attempts from this network address. For your security, "
                "sign-in is paused for %(minutes)d minutes. If you forgot your password, reset it "
                "instead.",
                minutes,
            )
        return text % {"minutes": minutes}


def login_lockout_get(*, email: str, ip_address: str | None) -> Lockout | None:
    """Return the lock-out in force for this account or address, if any."""
    window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    since = timezone.now() - window
    checks: list[tuple[str, dict[str, object], int]] = [
        ("account", {"email": email.strip().lower()}, settings.LOGIN_MAX_FAILURES_PER_ACCOUNT),
    ]
    if ip_address:
        checks.append(("address", {"ip_address": ip_address}, settings.LOGIN_MAX_FAILURES_PER_IP))
    for scope, match, limit in checks:
        recent = LoginFailure.objects.filter(created_at__gte=since, **match).order_by("-created_at")
        times = list(recent.values_list("created_at", flat=True)[:limit])
        if len(times) >= limit:
            # Locked until the oldest of the last `limit` failures leaves the window.
            return Lockout(scope=scope, retry_after=times[-1] + window - timezone.now())
    return None


def login_failure_record(*, email: str, ip_address: str | None) -> None:
    LoginFailure.objects.create(email=email.strip().lower()[:254], ip_address=ip_address)


def login_success_record(*, email: str) -> None:
    """A correct password clears the account's failures (not the address's)."""
    LoginFailure.objects.filter(email=email.strip().lower()).delete()


def notification_send(*, user: User, subject: str, body: str = "", link: str = "") -> Notification:
    """Record an in-app notification and email it once the surrounding transaction commits."""
    note = Notification.objects.create(user=user, subject=subject, body=body, link=link)

    def _email() -> None:
        url = f"{settings.SITE_URL.rstrip('/')}{link}" if link else ""
        text = "\n\n".join(part for part in (body, url) if part)
        try:
            send_mail(subject, text, None, [user.email])
        except OSError:
            # Mail is best effort: the in-app notification is already saved.
            logger.exception("could not email notification %s to user %s", note.pk, user.pk)

    transaction.on_commit(_email)
    return note


def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def user_language_set(*, user: User, language: str) -> User:
    """The language of this person's pages and emails."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("We don't offer that language.")})
    user.language = language
    user.save(update_fields=["language"])
    return user


# --- email verification ----------------------------------------------------------------------
# A link proves that ``user.email`` reaches the person. Its token is signed (TimestampSigner with
# a salt of its own, so no other signed value of the site passes for one) and carries the user's
# id and a keyed digest of the address: a link sent to an earlier address no longer verifies
# the current one, and the link reveals nothing of the address it was sent to.

EMAIL_VERIFICATION_SALT = "members.email-verification"


class VerificationRefused(Refused):
    """Why a verification email was not sent or a link not accepted; nothing changed.

    ``code`` is stable for callers (``already_verified``, ``too_soon``, ``invalid``,
    ``expired``, ``other_account``, ``other_email``); ``message`` is for the person.
    ``retry_after`` (seconds) is set for ``too_soon``.
    """

    def __init__(self, code: str, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(code, message)
        self.retry_after = retry_after


def _email_fingerprint(email: str) -> str:
    return salted_hmac(EMAIL_VERIFICATION_SALT, email.strip().lower()).hexdigest()[:24]


def _email_verification_signer() -> TimestampSigner:
    return TimestampSigner(salt=EMAIL_VERIFICATION_SALT)


def email_verification_token(*, user: User) -> str:
    """A link token for ``user``'s current address, valid for EMAIL_VERIFICATION_MAX_AGE_HOURS."""
    return _email_verification_signer().sign_object(
        {"user": user.pk, "email": _email_fingerprint(user.email)}
    )


def _email_verification_sent_key(user: User) -> str:
    return f"members:email-verification-sent:{user.pk}"


def _email_verification_claim(user: User) -> None:
    """Take this member's one send per EMAIL_VERIFICATION_RESEND_SECONDS, or refuse.

    ``cache.add`` is atomic (SET NX in Redis): of two requests at once, one sends.
    """
    window = settings.EMAIL_VERIFICATION_RESEND_SECONDS
    now = time.time()
    key = _email_verification_sent_key(user)
    if cache.add(key, now, timeout=window):
        return
    sent_at = cache.get(key)
    wait = window if sent_at is None else max(1, int(sent_at + window - now) + 1)
    minutes = max(1, (wait + 59) // 60)
    message = ngettext(
        "We emailed you a verification link moments ago. Check your inbox and spam folder; "
        "you can ask for another link in %(minutes)d minute.",
        "We emailed you a verification link moments ago. Check your inbox and spam folder; "
        "you can ask for another link in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    raise VerificationRefused("too_soon", message, retry_after=wait)


def email_verification_send(*, user: User, link_base: str | None = None) -> None:
    """Email ``user`` a link that verifies their address, once the transaction commits.

    At most one email per member every EMAIL_VERIFICATION_RESEND_SECONDS (sign-up's included).
    ``link_base`` is the site's address in the link (default: SITE_URL). The email is in the
    member's language. Raises ``VerificationRefused`` if the address is verified already or a
    link went out too recently.
    """
    if user.email_verified:
        raise VerificationRefused("already_verified", _("Your email address is already verified."))
    _email_verification_claim(user)
    path = reverse("members:email-verify", args=[email_verification_token(user=user)])
    url = f"{(link_base or settings.SITE_URL).rstrip('/')}{path}"
    hours = settings.EMAIL_VERIFICATION_MAX_AGE_HOURS
    with translation.override(user.language):
        if hours % 24:
            lifetime = ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
        else:
            days = hours // 24
            lifetime = ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
        subject = render_to_string("members/email/email_verification_subject.txt").strip()
        body = render_to_string(
            "members/email/email_verification.txt",
            {"email": user.email, "url": url, "lifetime": lifetime},
        )
    address, user_id = user.email, user.pk

    def _email() -> None:
        try:
            send_mail(subject, body, None, [address])
        except OSError:
            logger.exception("could not email a verification link to user %s", user_id)
            # Nothing went out: let the member ask again straight away.
            cache.delete(_email_verification_sent_key(user))

    transaction.on_commit(_email)


def email_verification_check(*, token: str, user: User) -> None:
    """Raise ``VerificationRefused`` unless ``token`` is a live link for ``user``'s address.

    Read-only: the page a link opens asks for a click first, so that mail scanners which fetch
    every link don't verify anything.
    """
    max_age = timedelta(hours=settings.EMAIL_VERIFICATION_MAX_AGE_HOURS)
    try:
        payload = _email_verification_signer().unsign_object(token, max_age=max_age)
    except SignatureExpired:
        raise VerificationRefused(
            "expired",
            _("This verification link has expired. Ask for a new one from your account page."),
        ) from None
    except BadSignature:
        raise VerificationRefused(
            "invalid",
            _(
                "This verification link is not valid. Open the link from the email exactly as "
                "it was sent, or ask for a new one from your account page."
            ),
        ) from None
    if payload.get("user") != user.pk:
        raise VerificationRefused(
            "other_account",
            _(
                "This verification link belongs to another account. Sign out, then sign in as "
                "the account the email was sent to."
            ),
        )
    if payload.get("email") != _email_fingerprint(user.email):
        raise VerificationRefused(
            "other_email",
            _(
                "This link was sent to an address that is no longer on your account. Ask for a "
                "new link from your account page."
            ),
        )


def email_verification_confirm(*, token: str, user: User) -> User:
    """Mark ``user``'s current address verified by the link ``token``.

    Idempotent: confirming again keeps the first moment. The row is locked, so an address
    changed at the same moment is either verified before the change (and the trigger of
    migration 0003 clears it) or refused as the old address.
    """
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        email_verification_check(token=token, user=locked)
        if locked.email_verified_at is None:
            locked.email_verified_at = timezone.now()
            locked.save(update_fields=["email_verified_at"])
    return locked
