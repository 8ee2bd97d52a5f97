"""Requests to partners' URLs, which must never reach our own network.

A URL is refused unless it is http(s) and every address its host resolves to is public. The
request then goes to the address that was checked, so a second DNS answer (rebinding) cannot
swap it; the Host header and TLS (SNI, certificate check) still use the name. Redirects are
never followed, and the time and the response size are capped.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

URL_REFUSED = "Webhook URLs must use http or https and point at a public address."
EXCERPT_CHARS = 500
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class OutboundError(Exception):
    """No response: the URL was refused, or the connection failed or timed out."""


class UrlRefused(OutboundError):
    pass


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    truncated: bool

    @property
    def excerpt(self) -> str:
        return self.body[: EXCERPT_CHARS * 4].decode("utf-8", "replace")[:EXCERPT_CHARS]


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, 6to4, Teredo, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_allowed(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return address_allowed(embedded)
    if settings.WEBHOOK_ALLOW_LOOPBACK and address.is_loopback:
        return True  # 127.0.0.0/8 and ::1 only: private ranges stay refused (tests)
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_link_local
    )


def url_check(url: str) -> Target:
    """Where ``url`` may be sent, or ``UrlRefused``; resolves the host once."""
    if any(ord(c) <= 32 or ord(c) == 127 for c in url):
        raise UrlRefused(URL_REFUSED)  # spaces and control characters: never a valid URL
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise UrlRefused(URL_REFUSED) from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UrlRefused(URL_REFUSED)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise UrlRefused(f"The host name {parts.hostname} does not resolve.") from error
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses or not all(address_allowed(a) for a in addresses):
        raise UrlRefused(URL_REFUSED)
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    return Target(parts.scheme, parts.hostname, port, path, tuple(str(a) for a in addresses))


def _connection(target: Target, timeout: float) -> http.client.HTTPConnection:
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        context = ssl.create_default_context()
        connection = http.client.HTTPSConnection(
            target.host, target.port, timeout=timeout, context=context
        )
    else:
        connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)

    # http.client connects to (host, port) through this hook, then wraps TLS around the
    # socket for ``host``: so we dial the checked addresses (in order, as a resolver would)
    # and verify the certificate of the name.
    def dial(_address: tuple[str, int], *args: Any) -> socket.socket:
        failure = OSError(f"No address of {target.host} to connect to.")
        for address in target.addresses:
            try:
                return socket.create_connection((address, target.port), *args)
            except OSError as error:
                failure = error
        raise failure

    connection._create_connection = dial  # type: ignore[attr-defined]
    return connection


def post(url: str, *, body: bytes, headers: dict[str, str]) -> Reply:
    """POST ``body`` to ``url`` once; any status counts as a reply (redirects included)."""
    target = url_check(url)
    timeout = float(settings.WEBHOOK_TIMEOUT_SECONDS)
    cap = int(settings.WEBHOOK_MAX_RESPONSE_BYTES)
    deadline = time.monotonic() + timeout
    connection = _connection(target, timeout)
    response: http.client.HTTPResponse | None = None
    try:
        connection.connect()
        sock = connection.sock
        connection.request("POST", target.path, body=body, headers=headers)
        sock.settimeout(max(deadline - time.monotonic(), 0.001))
        response = connection.getresponse()
        chunks: list[bytes] = []
        size = 0
        while size < cap:
            # The socket timeout is per read; the deadline bounds the whole reply.
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("timed out reading the response")
            sock.settimeout(remaining)
            chunk = response.read1(min(cap - size, 16384))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        truncated = size >= cap and not response.isclosed()
        return Reply(response.status, b"".join(chunks), truncated)
    except (OSError, http.client.HTTPException, ValueError) as error:
        # ValueError: what http.client raises for a path it cannot send (not ASCII).
        raise OutboundError(_describe(error)) from error
    finally:
        if response is not None:
            response.close()
        connection.close()


def _describe(error: Exception) -> str:
    if isinstance(error, TimeoutError):
        return f"Timed out after {settings.WEBHOOK_TIMEOUT_SECONDS} s."
    return f"{type(error).__name__}: {error}"[:500]
