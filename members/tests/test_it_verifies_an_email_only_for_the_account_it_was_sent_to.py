"""Someone signed in as another account who opens a member's verification link gets a 403 that
says the link belongs to another account; neither account is verified by it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from members.models import User
from members.services import email_verification_token
from members.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_verifies_an_email_only_for_the_account_it_was_sent_to(client: Client) -> None:
    owner = UserFactory(email="owner@example.com")
    intruder = UserFactory(email="intruder@example.com")
    link = reverse("members:email-verify", args=[email_verification_token(user=owner)])

    client.force_login(intruder)
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 403
        assert "belongs to another account" in response.content.decode()
    owner.refresh_from_db()
    intruder.refresh_from_db()
    assert owner.email_verified_at is None
    assert intruder.email_verified_at is None

    # The link still works for its own account afterwards.
    client.force_login(owner)
    assert client.post(link).status_code == 302
    assert User.objects.get(pk=owner.pk).email_verified
    assert not User.objects.get(pk=intruder.pk).email_verified
