"""The ``Authplatform-Signature`` header: how we sign a delivery and how a receiver checks it.

Header: ``Authplatform-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``.
The body is signed as sent (the raw bytes); ``t`` is the time of that attempt, so a retry
carries a fresh one.
"""

from __future__ import annotations

import hashlib
import hmac
import time


def signature_header(*, secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def signature_verify(*, secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """True if ``header`` signs ``body`` with ``secret``, at most ``tolerance`` seconds ago.

    Receivers may copy this function as it is (standard library only: hashlib, hmac, time).
    Pass the raw request body, before any JSON parsing, and the ``Authplatform-Signature``
    header. The tolerance refuses replays of an old delivery.
    """
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if not fields.get("t", "").isdigit() or abs(time.time() - int(fields["t"])) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), fields.get("v1", ""))
