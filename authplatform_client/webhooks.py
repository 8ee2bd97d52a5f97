"""Checking a webhook's signature: HMAC-SHA256 over ``"<t>.<body>"`` with the endpoint's
secret, sent as ``Authplatform-Signature: t=<unix time>,v1=<hex>``."""

from __future__ import annotations

import hashlib
import hmac
import time


def signature_verify(*, secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` and is at most ``tolerance`` s old."""
    try:
        parts = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = hmac.new(
        secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    fresh = abs(time.time() - timestamp) <= tolerance
    return fresh and hmac.compare_digest(expected, parts.get("v1", ""))
