"""Checking a webhook's signature: HMAC-SHA256 over ``"<t>.<body>"`` with the endpoint's
secret, sent as ``Authplatform-Signature: t=<unix time>,v1=<hex>``."""

from __future__ import annotations

import hashlib
import hmac
import time


def signature_verify(*, secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` at most ``tolerance`` s ago.

    Pass the raw request body, before any JSON parsing. Standard library only: a receiver may
    copy this function as it is.
    """
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    signed = str(timestamp).encode() + b"." + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields.get("v1", ""))
