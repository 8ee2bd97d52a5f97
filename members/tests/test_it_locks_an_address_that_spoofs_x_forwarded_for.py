"""Behind our proxy, a client that writes its own X-Forwarded-For still gets its address
locked: the address counted is the one the proxy saw, not the one the client wrote."""

import pytest
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse

from members.models import LoginFailure
from members.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # REMOTE_ADDR of every request: the TLS proxy in front of the app
ATTACKER = "203.0.113.9"
NEIGHBOUR = "203.0.113.10"  # another client behind the same proxy


def _through_proxy(client_address: str, email: str, password: str, spoofed: str = ""):  # noqa: ANN202
    # The proxy appends the address it saw to whatever the client sent.
    forwarded = f"{spoofed}, {client_address}" if spoofed else client_address
    return Client().post(
        reverse("members:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.parametrize("login_url", ["members:login", "admin:login"])
def test_it_locks_an_address_that_spoofs_x_forwarded_for(
    settings: LazySettings, login_url: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_MAX_FAILURES_PER_IP = 20
    victim = UserFactory(email="victim@example.com")

    for n in range(25):
        Client().post(
            reverse(login_url),
            {"username": f"nobody{n}@example.com", "password": "guess"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, {ATTACKER}",
        )

    recorded = set(LoginFailure.objects.values_list("ip_address", flat=True))
    assert recorded == {ATTACKER}
    locked = _through_proxy(ATTACKER, victim.email, PASSWORD, spoofed="192.0.2.200")
    assert locked.status_code == 429
    assert "this network address" in locked.content.decode()
    # Only the attacker is locked, not everyone behind the proxy.
    assert _through_proxy(NEIGHBOUR, victim.email, PASSWORD).status_code == 302


def test_a_header_shorter_than_the_proxy_chain_counts_the_peer(settings: LazySettings) -> None:
    settings.TRUSTED_PROXY_COUNT = 2
    _through_proxy(ATTACKER, "nobody@example.com", "guess")

    assert LoginFailure.objects.get().ip_address == PROXY
