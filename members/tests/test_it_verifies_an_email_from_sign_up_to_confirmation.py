"""A new member gets a verification email on sign-up; its link opens a page whose button
verifies the address, once. Opening the link alone (as a mail scanner does) verifies nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from members.models import User
from members.services import email_verification_send
from members.tests.factories import PASSWORD, UserFactory
from members.tests.verifying import verification_link

pytestmark = pytest.mark.django_db


def test_it_verifies_an_email_from_sign_up_to_confirmation(
    client: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        signed_up = client.post(
            reverse("members:signup"),
            {
                "email": "Nova@Example.com",
                "full_name": "Nova Reyes",
                "password1": "velvet-saffiano-1955",
                "password2": "velvet-saffiano-1955",
            },
        )
    assert signed_up.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["nova@example.com"]
    assert "Verify" in message.subject
    assert "nova@example.com" in message.body
    assert "The link works for 3 days." in message.body
    link = verification_link("nova@example.com")

    account = client.get(reverse("members:account"))
    assert account.status_code == 200
    assert "Not verified" in account.content.decode()
    assert "Verify your email" in account.content.decode()

    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm my email address" in page.content.decode()
    user = User.objects.get(email="nova@example.com")
    assert user.email_verified_at is None  # a GET (a mail scanner's prefetch) changes nothing

    confirmed = client.post(link)
    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("members:account")
    user.refresh_from_db()
    assert user.email_verified
    first = user.email_verified_at

    after = client.get(reverse("members:account")).content.decode()
    assert "Verified" in after and "Not verified" not in after
    assert "Thank you: your email address is verified." in after
    assert 'action="' + reverse("members:email-verification-send") not in after

    # A second click changes nothing and says it is done.
    again = client.post(link)
    assert again.status_code == 302
    user.refresh_from_db()
    assert user.email_verified_at == first
    reopened = client.get(link)
    assert reopened.status_code == 200
    assert "already verified" in reopened.content.decode()


def test_it_asks_a_signed_out_visitor_to_sign_in_before_confirming(
    client: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    user = UserFactory(email="later@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        email_verification_send(user=user)
    link = verification_link("later@example.com")

    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("members:login"))
    user.refresh_from_db()
    assert not user.email_verified

    signed_in = client.post(
        response["Location"], {"username": "later@example.com", "password": PASSWORD}
    )
    assert signed_in["Location"] == link  # back to the link after signing in
    assert client.post(link).status_code == 302
    user.refresh_from_db()
    assert user.email_verified


def test_the_account_page_renders_in_chinese(client: Client) -> None:
    client.force_login(UserFactory(email="lin@example.com", language="zh-hans"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("members:account"))
    assert page.status_code == 200
    body = page.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "lin@example.com" in body
    assert 'action="' + reverse("members:email-verification-send") in body
