"""Business logic for accounts: registration, roles, login lock-outs and notifications."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
