"""A verification link that was altered, has expired, or was sent to an address the account no
longer has gets a 400 page that says what to do, and verifies nothing."""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from members.models import User
from members.services import EMAIL_VERIFICATION_SALT, email_verification_token
from members.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client: Client) -> User:
    user = UserFactory(email="ines@example.com")
    client.force_login(user)
    return user


def _link(token: str) -> str:
    return reverse("members:email-verify", args=[token])


def _refused(client: Client, token: str, method: str = "post") -> str:
    response = getattr(client, method)(_link(token))
    assert response.status_code == 400, response.content
    return response.content.decode()


def test_a_tampered_link_is_refused(client: Client, member: User) -> None:
    token = email_verification_token(user=member)
    payload, stamp, signature = token.rsplit(":", 2)
    other = UserFactory(email="other@example.com")
    forged = email_verification_token(user=other).rsplit(":", 2)[0]

    for bad in (
        f"{payload}:{stamp}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
        f"{forged}:{stamp}:{signature}",  # someone else's payload under this signature
        "not-a-token",
        "a:b:c",
        "中文",
    ):
        for method in ("get", "post"):
            assert "This verification link is not valid" in _refused(client, bad, method)
    member.refresh_from_db()
    assert member.email_verified_at is None


def test_a_link_signed_for_another_purpose_is_refused(client: Client, member: User) -> None:
    """The salt is the verification's own: another signed value of the site never passes."""
    payload = signing.TimestampSigner(salt=EMAIL_VERIFICATION_SALT).unsign_object(
        email_verification_token(user=member)
    )
    unsalted = signing.TimestampSigner().sign_object(payload)
    assert "not valid" in _refused(client, unsalted)
    member.refresh_from_db()
    assert member.email_verified_at is None


def test_an_expired_link_is_refused(
    client: Client,
    member: User,
    settings,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    settings.EMAIL_VERIFICATION_MAX_AGE_HOURS = 72
    now = time.time()
    # The signer stamps tokens with time.time(): one issued 72 hours and a minute ago.
    monkeypatch.setattr(signing.time, "time", lambda: now - 72 * 3600 - 60)
    old = email_verification_token(user=member)
    monkeypatch.setattr(signing.time, "time", lambda: now - 72 * 3600 + 60)
    recent = email_verification_token(user=member)
    monkeypatch.undo()

    assert "has expired" in _refused(client, old, "get")
    assert "has expired" in _refused(client, old)
    member.refresh_from_db()
    assert member.email_verified_at is None

    # One a minute inside its 72 hours still works.
    assert client.post(_link(recent)).status_code == 302
    member.refresh_from_db()
    assert member.email_verified


def test_a_link_to_an_earlier_address_is_refused(client: Client, member: User) -> None:
    old_token = email_verification_token(user=member)
    User.objects.filter(pk=member.pk).update(email="ines.new@example.com")

    assert "no longer on your account" in _refused(client, old_token, "get")
    assert "no longer on your account" in _refused(client, old_token)
    member.refresh_from_db()
    assert member.email_verified_at is None

    # A link for the new address works.
    assert client.post(_link(email_verification_token(user=member))).status_code == 302
    member.refresh_from_db()
    assert member.email_verified
