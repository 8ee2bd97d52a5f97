"""Sign-in locks out after repeated failures, per account and per client address."""

import pytest
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse

from members.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _attempt(client: Client, email: str, password: str, ip: str = "203.0.113.5"):  # noqa: ANN202
    return client.post(
        reverse("members:login"), {"username": email, "password": password}, REMOTE_ADDR=ip
    )


def test_it_locks_the_account_after_five_failures_even_for_the_right_password(
    client: Client,
) -> None:
    UserFactory(email="target@example.com")
    for _ in range(5):
        assert _attempt(client, "target@example.com", "guess").status_code == 400
    locked = _attempt(client, "target@example.com", PASSWORD)
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert "Too many failed sign-in attempts for this account" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_account_lockout_does_not_block_other_accounts(client: Client) -> None:
    UserFactory(email="target@example.com")
    UserFactory(email="other@example.com")
    for _ in range(5):
        _attempt(client, "target@example.com", "guess")
    assert _attempt(client, "other@example.com", PASSWORD).status_code == 302


def test_it_locks_an_address_that_sprays_many_accounts(
    client: Client, settings: LazySettings
) -> None:
    settings.LOGIN_MAX_FAILURES_PER_IP = 8
    UserFactory(email="victim@example.com")
    for n in range(8):
        _attempt(client, f"nobody{n}@example.com", "guess", ip="198.51.100.7")
    locked = _attempt(client, "victim@example.com", PASSWORD, ip="198.51.100.7")
    assert locked.status_code == 429
    assert "this network address" in locked.content.decode()
    # The same account from another address still works.
    assert _attempt(client, "victim@example.com", PASSWORD, ip="198.51.100.8").status_code == 302


def test_a_lockout_expires_after_the_window(client: Client, settings: LazySettings) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from members.models import LoginFailure

    UserFactory(email="target@example.com")
    for _ in range(5):
        _attempt(client, "target@example.com", "guess")
    LoginFailure.objects.update(
        created_at=timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + 1)
    )
    assert _attempt(client, "target@example.com", PASSWORD).status_code == 302
