"""Webhooks never reach our own network: a URL is refused at registration and again at each
delivery unless it is http(s) and every address of its host is public, and the request
goes to the address that was checked."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest
from django.db import transaction

from api.tests.conftest import api_for
from webhooks import outbound
from webhooks.models import EventType, WebhookAttempt, WebhookEndpoint
from webhooks.services import webhook_emit

pytestmark = pytest.mark.django_db

# DNS is the machine's edge: these names answer as an attacker's DNS server would.
FAKE_DNS = {
    "intranet.example": ["10.20.30.40"],
    "mixed.example": ["93.184.216.34", "192.168.0.7"],
    "metadata.example": ["169.254.169.254"],
    "mapped.example": ["::ffff:10.0.0.1"],
}

REFUSED = [
    "http://127.0.0.1/",
    "http://127.8.9.10:8080/hook",
    "http://localhost/",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://0.0.0.0/",
    "http://10.1.2.3/",
    "http://172.16.5.5/",
    "http://192.168.1.10/",
    "http://100.64.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://224.0.0.1/",
    "http://[::1]/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[fe80::1]/",
    "http://[fd00::1]/",
    "http://[64:ff9b::a00:1]/",
    "http://[2002:a00:1::]/",
    "https://intranet.example/hook",
    "https://mixed.example/hook",
    "http://metadata.example/",
    "http://mapped.example/",
    "file:///etc/passwd",
    "ftp://example.com/",
    "gopher://example.com/",
    "http:///nohost",
    "not a url",
    "http://example.com/a b",
    "http://example.com/\r\nX-Injected: 1",
]


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in FAKE_DNS:
            return real(host, port, *args, **kwargs)
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in FAKE_DNS[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize("url", REFUSED)
def test_registering_a_url_off_the_public_internet_is_refused(partner, settings, url) -> None:  # noqa: ANN001
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    api = api_for(partner)

    response = api.post(
        "/api/v1/webhooks/endpoints/", {"url": url, "event_types": ["report.issued"]}
    )

    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["fields"]["url"] == [outbound.URL_REFUSED]
    assert not WebhookEndpoint.objects.exists()


def test_allowing_loopback_for_tests_still_refuses_private_ranges(settings) -> None:  # noqa: ANN001
    settings.WEBHOOK_ALLOW_LOOPBACK = True

    assert outbound.url_check("http://127.0.0.1:9/").addresses == ("127.0.0.1",)
    assert outbound.url_check("http://[::1]:9/").addresses == ("::1",)
    for url in ("http://10.0.0.1/", "http://192.168.1.1/", "http://169.254.169.254/"):
        with pytest.raises(outbound.UrlRefused):
            outbound.url_check(url)


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"]
)
def test_public_addresses_are_allowed(settings, address: str) -> None:  # noqa: ANN001
    settings.WEBHOOK_ALLOW_LOOPBACK = False

    assert outbound.address_allowed(ipaddress.ip_address(address))


def test_a_delivery_to_an_address_that_is_no_longer_allowed_is_refused_without_a_request(
    partner,
    endpoint,
    receiver,
    settings,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    settings.WEBHOOK_ALLOW_LOOPBACK = False

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        webhook_emit(partner=partner, event_type=EventType.REPORT_ISSUED, data={}, sandbox=False)

    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and attempt.error == outbound.URL_REFUSED
    assert not receiver.requests


def test_the_request_goes_to_the_checked_address_not_a_second_lookup(
    receiver,
    monkeypatch,  # noqa: ANN001
) -> None:
    # A rebinding name: the first answer is allowed (loopback, in tests), any later one not.
    asked: list[str] = []
    real = socket.getaddrinfo

    def rebinding(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "rebind.example":
            return real(host, port, *args, **kwargs)
        asked.append(host)
        address = "127.0.0.1" if len(asked) == 1 else "10.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    port = receiver.port

    reply = outbound.post(f"http://rebind.example:{port}/hook", body=b"{}", headers={})

    assert reply.status == 200 and asked == ["rebind.example"]
    assert receiver.requests[0].headers["Host"] == f"rebind.example:{port}"
