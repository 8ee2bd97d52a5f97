"""What the email verification tests share: the link in the last email to an address."""

from __future__ import annotations

import re

from django.core import mail


def verification_link(to: str) -> str:
    """The path of the verification link in the newest email to ``to``."""
    (message, *_) = [m for m in reversed(mail.outbox) if m.to == [to]]
    found = re.search(r"https?://[^/\s]+(/account/verify-email/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)
