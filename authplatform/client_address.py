"""The address of the client behind a request, for per-address limits such as the sign-in
lock-out: the one place that reads REMOTE_ADDR and X-Forwarded-For."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, or None when there is no usable one.

    ``settings.TRUSTED_PROXY_COUNT`` is how many reverse proxies of ours stand in front of the
    app (0: none, the peer is the client). Each proxy appends the address of the peer it saw
    to X-Forwarded-For, after whatever the request already carried. So behind N proxies the
    last N entries are ours, and the N-th from the right is the client as the outermost proxy
    saw it. Everything to its left came from the client and can say anything; the leftmost
    entry, in particular, is whatever the client typed.

    When the header has fewer than N entries, or that entry is not an IP address, the request
    did not come through all our proxies the way they write the header (a request straight to
    the app, a misconfigured proxy), and REMOTE_ADDR, which no client can forge, is used.
    That only holds if the app itself can't be reached except through the proxies: with N > 0
    and the app port open to the world, a client can send a header of its choice straight to
    it. The address comes back in one canonical spelling, so that an address written two
    ways (IPv6 compressed or not, IPv4 mapped into IPv6) is counted once.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(entries) >= proxies:
            forwarded = _address(entries[-proxies])
            if forwarded is not None:
                return forwarded
    return _address(request.META.get("REMOTE_ADDR", ""))


def _address(value: str) -> str | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d; they are the same client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)
