"""The ``Authplatform-Signature`` header: how we sign a delivery. Receivers check it with
``authplatform_client.signature_verify`` (or a copy of it: docs/api.md).

Header: ``Authplatform-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``.
The body is signed as sent (the raw bytes); ``t`` is the time of that attempt, so a retry
carries a fresh one.
"""

from __future__ import annotations

import hashlib
import hmac


def signature_header(*, secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"
