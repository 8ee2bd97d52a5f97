"""The account page's "Verify your email" button sends one email per few minutes per member
(sign-up's email included); pressing it again sooner gets a 429 that says when to come back.
A verified member has nothing to ask for."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from members.models import User
from members.tests.factories import UserFactory
from members.tests.verifying import verification_link

pytestmark = pytest.mark.django_db

SEND = reverse("members:email-verification-send")


@pytest.fixture
def member(client: Client) -> User:
    user = UserFactory(email="rafa@example.com")
    client.force_login(user)
    return user


def test_it_sends_one_email_then_refuses_until_the_window_passes(
    client: Client,
    member: User,
    settings,  # noqa: ANN001
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    settings.EMAIL_VERIFICATION_RESEND_SECONDS = 2
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(SEND, follow=True)
    assert sent.redirect_chain == [(reverse("members:account"), 302)]
    assert "We sent a verification link to rafa@example.com" in sent.content.decode()
    assert [m.to for m in mail.outbox] == [["rafa@example.com"]]
    first_link = verification_link("rafa@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(SEND)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3
    assert "you can ask for another link in 1 minute" in refused.content.decode()
    assert len(mail.outbox) == 1

    time.sleep(2.2)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(SEND).status_code == 302
    assert len(mail.outbox) == 2
    # Both links work: a newer one doesn't cancel the one already in the inbox.
    assert client.post(first_link).status_code == 302
    member.refresh_from_db()
    assert member.email_verified


def test_the_sign_up_email_counts_toward_the_limit(
    client: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("members:signup"),
            {
                "email": "fresh@example.com",
                "password1": "velvet-saffiano-1955",
                "password2": "velvet-saffiano-1955",
            },
        )
        refused = client.post(SEND)
    assert refused.status_code == 429
    assert "moments ago" in refused.content.decode()
    assert [m.to for m in mail.outbox] == [["fresh@example.com"]]


def test_each_member_has_their_own_limit(
    member: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    other = Client()
    other.force_login(UserFactory(email="sam@example.com"))
    mine = Client()
    mine.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        assert mine.post(SEND).status_code == 302
        assert other.post(SEND).status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["rafa@example.com", "sam@example.com"]


def test_a_verified_member_is_told_there_is_nothing_to_do(client: Client, member: User) -> None:
    User.objects.filter(pk=member.pk).update(email_verified_at="2026-12-01T10:00:00Z")
    response = client.post(SEND)
    assert response.status_code == 400
    assert "already verified" in response.content.decode()
    assert mail.outbox == []


def test_it_only_sends_on_a_post(client: Client, member: User) -> None:
    assert client.get(SEND).status_code == 405
    assert mail.outbox == []
