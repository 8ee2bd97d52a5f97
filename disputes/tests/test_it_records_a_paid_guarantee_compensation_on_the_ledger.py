"""When staff record that a compensation was paid, the payout goes on the billing ledger in the
same transaction, once."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from billing.models import LedgerEntry
from disputes.models import Compensation
from disputes.services import compensation_approve, compensation_mark_paid
from disputes.tests.settling import opened, overturned, report_of, staff_member
from members.models import User

pytestmark = pytest.mark.django_db


def test_a_paid_compensation_is_a_payout_on_the_ledger_once(
    buyer: User, catalog: dict[str, Any]
) -> None:
    report = report_of(buyer, catalog["handbag"], declared_value_eur=1_234)
    overturned(opened(report, buyer))
    compensation = Compensation.objects.get()
    staff = staff_member()

    with pytest.raises(ValidationError, match="Approve"):
        compensation_mark_paid(compensation=compensation, staff=staff)
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYOUT).exists()

    compensation_approve(compensation=compensation, staff=staff)
    paid = compensation_mark_paid(compensation=compensation, staff=staff)

    assert paid.status == Compensation.Status.PAID
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.PAYOUT)
    assert (entry.member, entry.cents) == (buyer, 123_400)
    assert entry.reference == f"payout:compensation:{compensation.pk}"
    # Recording the payment again is refused, and the ledger keeps one payout.
    with pytest.raises(ValidationError):
        compensation_mark_paid(compensation=compensation, staff=staff)
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYOUT).count() == 1
