"""The admin's sign-in (/admin/login/) shares the site's lock-out: the same failure records,
the same counters per account and per client address, the same message."""

import pytest
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse

from members.models import LoginFailure
from members.roles import Role
from members.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

EXPERT_EMAIL = "expert@example.com"
LOCKED_ACCOUNT = "Too many failed sign-in attempts for this account"


def _admin(client: Client, email: str, password: str, ip: str = "203.0.113.5"):  # noqa: ANN202
    return client.post(
        reverse("admin:login"),
        {"username": email, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=ip,
    )


def _site(client: Client, email: str, password: str, ip: str = "203.0.113.5"):  # noqa: ANN202
    return client.post(
        reverse("members:login"), {"username": email, "password": password}, REMOTE_ADDR=ip
    )


@pytest.fixture
def expert(db: None):  # noqa: ANN201
    return UserFactory(email=EXPERT_EMAIL, roles=[Role.EXPERT])


def test_it_records_admin_failures_and_locks_the_account_in_the_admin_and_on_the_site(
    expert,  # noqa: ANN001
) -> None:
    client = Client()
    for _ in range(5):
        assert _admin(client, "Expert@Example.com", "guess").status_code == 200

    failures = LoginFailure.objects.filter(email=EXPERT_EMAIL)
    assert failures.count() == 5
    assert set(failures.values_list("ip_address", flat=True)) == {"203.0.113.5"}

    locked = _admin(client, EXPERT_EMAIL, PASSWORD)
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert LOCKED_ACCOUNT in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The same lock on the site's own sign-in, from another address too.
    site = _site(Client(), EXPERT_EMAIL, PASSWORD, ip="198.51.100.77")
    assert site.status_code == 429 and LOCKED_ACCOUNT in site.content.decode()


def test_site_failures_lock_the_admin_login(expert) -> None:  # noqa: ANN001
    for _ in range(5):
        assert _site(Client(), EXPERT_EMAIL, "guess").status_code == 400

    client = Client()
    locked = _admin(client, EXPERT_EMAIL, PASSWORD, ip="198.51.100.77")
    assert locked.status_code == 429
    assert LOCKED_ACCOUNT in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_login_locks_an_address_that_sprays_many_accounts(
    expert,  # noqa: ANN001
    settings: LazySettings,
) -> None:
    settings.LOGIN_MAX_FAILURES_PER_IP = 8
    for n in range(8):
        _admin(Client(), f"nobody{n}@example.com", "guess", ip="198.51.100.7")

    locked = _admin(Client(), EXPERT_EMAIL, PASSWORD, ip="198.51.100.7")
    assert locked.status_code == 429
    assert "this network address" in locked.content.decode()
    assert _admin(Client(), EXPERT_EMAIL, PASSWORD, ip="198.51.100.8").status_code == 302


def test_a_right_admin_password_before_the_lock_signs_in_and_clears_the_account(
    expert,  # noqa: ANN001
) -> None:
    client = Client()
    for _ in range(2):
        _admin(client, EXPERT_EMAIL, "guess")
        _site(Client(), EXPERT_EMAIL, "guess")
    assert LoginFailure.objects.filter(email=EXPERT_EMAIL).count() == 4

    signed_in = _admin(client, EXPERT_EMAIL, PASSWORD)
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(expert.pk)
    assert not LoginFailure.objects.filter(email=EXPERT_EMAIL).exists()


def test_a_buyer_cannot_enter_the_admin_and_the_attempt_counts(buyer) -> None:  # noqa: ANN001
    client = Client()
    refused = _admin(client, buyer.email, PASSWORD)
    assert refused.status_code == 200
    assert "staff account" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert LoginFailure.objects.filter(email=buyer.email).count() == 1
