"""The client's address is REMOTE_ADDR, or the X-Forwarded-For entry our own proxies wrote:
TRUSTED_PROXY_COUNT places from the right, never anything the client could have written."""

import pytest
from django.conf import LazySettings
from django.test import RequestFactory

from api.throttling import RequestRateThrottle
from authplatform.client_address import client_ip

PEER = "10.0.0.2"


def _request(forwarded: str | None, remote: str | None = PEER):  # noqa: ANN202
    meta = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    request = RequestFactory().get("/", **meta)
    if remote is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = remote
    return request


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        # No proxy of ours: the header is the client's own words.
        (0, "203.0.113.9", PEER),
        (0, None, PEER),
        # One proxy: it appended the address it saw; anything left of that is the client's.
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1,203.0.113.9", "203.0.113.9"),
        (1, "unknown, 10.9.8.7, 203.0.113.9", "203.0.113.9"),
        # Two proxies: the outer one wrote the client, the inner one the outer proxy.
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        # Fewer entries than proxies: the request didn't come through them all.
        (2, "203.0.113.9", PEER),
        (1, None, PEER),
        (1, "", PEER),
        # What our proxy wrote must be an address; otherwise the peer is all we know.
        (1, "198.51.100.1, not-an-address", PEER),
        (1, "198.51.100.1, ", PEER),
        # One address, one spelling: IPv6 is compressed so it is counted once.
        (1, "2001:DB8:0:0::1", "2001:db8::1"),
    ],
)
def test_it_reads_the_client_address_behind_trusted_proxies(
    settings: LazySettings, proxies: int, forwarded: str | None, expected: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(_request(forwarded)) == expected


def test_without_a_usable_peer_address_there_is_none(settings: LazySettings) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(None, remote=None)) is None
    assert client_ip(_request(None, remote="")) is None
    assert client_ip(_request(None, remote="garbage")) is None


def test_the_api_throttle_identifies_clients_the_same_way(settings: LazySettings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    request = _request("198.51.100.1, 203.0.113.9")
    assert RequestRateThrottle().get_ident(request) == "203.0.113.9"
