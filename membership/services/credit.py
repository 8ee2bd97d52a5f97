"""Recording what the credit score counts. The app where a fact happens records it here: disputes
when one resolves, billing when a payment fails or is charged back, risk control when it flags a
case. Each fact counts once, by its reference."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from authplatform.errors import Refused
from members.models import User
from membership.models import CreditSignal, CreditSignalKind

REFERENCE_MAX_LENGTH = 200


class CreditRefused(Refused):
    """A signal the record refuses; nothing was written. ``code`` is stable for callers."""


def credit_signal_record(
    *,
    member: User,
    kind: str,
    reference: str,
    occurred_at: datetime | None = None,
    note: str = "",
) -> CreditSignal:
    """Record that ``kind`` happened to ``member``. Idempotent by ``reference``: the same fact
    delivered again returns the first record; the same reference for another member or kind is
    refused, as it would be a different fact under a name already taken."""
    if kind not in CreditSignalKind.values:
        raise CreditRefused("invalid_kind", gettext("Unknown kind of credit signal."))
    if not isinstance(reference, str) or not reference.strip():
        raise CreditRefused("invalid_reference", gettext("A credit signal needs a reference."))
    if len(reference) > REFERENCE_MAX_LENGTH:
        raise CreditRefused("invalid_reference", gettext("The reference is too long."))
    now = timezone.now()
    occurred_at = occurred_at or now
    if timezone.is_naive(occurred_at) or occurred_at > now:
        raise CreditRefused(
            "invalid_date", gettext("A credit signal happened at a past moment with a time zone.")
        )
    existing = CreditSignal.objects.filter(reference=reference).first()
    if existing is None:
        try:
            # A savepoint: a concurrent delivery of the same fact may win the unique reference.
            with transaction.atomic():
                return CreditSignal.objects.create(
                    member=member,
                    kind=kind,
                    reference=reference,
                    occurred_at=occurred_at,
                    note=note[:300],
                )
        except IntegrityError:
            existing = CreditSignal.objects.get(reference=reference)
    if existing.member_id != member.pk or existing.kind != kind:
        raise CreditRefused(
            "reference_reused",
            gettext("This reference already names another member's or another kind of signal."),
        )
    return existing
