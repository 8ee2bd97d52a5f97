"""Every notification is also emailed, once the change it tells of has committed: a change
rolled back emails no one, and a mail server that is down loses the email, not the
notification. Only the delivery is faked here (Django's outbox, and a server that refuses)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from members.models import Notification, User
from members.services import notification_send

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise ConnectionRefusedError("the mail server is down")


def test_the_email_leaves_after_the_commit(
    buyer: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SITE_URL = "https://authplatform.example/"

    with django_capture_on_commit_callbacks(execute=True):
        notification_send(
            user=buyer, subject="AP-3F9C21: report issued", body="Authentic.", link="/r/abc/"
        )
        assert mail.outbox == []  # not before the commit

    (message,) = mail.outbox
    assert (message.to, message.subject) == ([buyer.email], "AP-3F9C21: report issued")
    assert message.body == "Authentic.\n\nhttps://authplatform.example/r/abc/"


def test_a_rolled_back_change_emails_no_one(
    buyer: User, django_capture_on_commit_callbacks: Any
) -> None:
    class Undone(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Undone):
        with transaction.atomic():
            notification_send(user=buyer, subject="This never happened")
            raise Undone

    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_a_mail_server_that_is_down_loses_only_the_email(
    buyer: User,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"

    with django_capture_on_commit_callbacks(execute=True):
        note = notification_send(user=buyer, subject="AP-3F9C21: report issued")

    assert Notification.objects.get() == note
    assert f"could not email notification {note.pk} to user {buyer.pk}" in caplog.text
