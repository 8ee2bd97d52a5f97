"""A dispute whose verdict stands costs its opener ``DISPUTE_FEE_EUR``, billed as a
dispute-fee invoice, unless the plans they held when they opened it waive the fee."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from appraisals.tests.prioritising import member_with
from billing.models import Invoice
from disputes.models import Dispute
from disputes.tests.settling import opened, reappraised, report_of
from members.models import User

pytestmark = pytest.mark.django_db


def test_an_upheld_verdict_bills_a_free_member_the_fee(
    buyer: User, catalog: dict[str, Any], settings: Any
) -> None:
    settings.DISPUTE_FEE_EUR = 15
    dispute = reappraised(opened(report_of(buyer, catalog["handbag"]), buyer), ("authentic",) * 2)

    assert dispute.outcome == Dispute.Outcome.UPHELD
    assert dispute.fee_due_eur == Decimal(15)
    invoice = Invoice.objects.get(purpose=Invoice.Purpose.DISPUTE_FEE)
    assert (invoice.member, invoice.total_cents, invoice.status) == (buyer, 1500, "due")
    assert dispute.reference in invoice.lines.get().description


def test_a_black_card_member_pays_no_dispute_fee(catalog: dict[str, Any], settings: Any) -> None:
    settings.DISPUTE_FEE_EUR = 15
    black = member_with("black", "black@example.com")
    dispute = reappraised(opened(report_of(black, catalog["handbag"]), black), ("authentic",) * 2)

    assert dispute.outcome == Dispute.Outcome.UPHELD
    assert dispute.fee_due_eur == 0
    assert not Invoice.objects.filter(purpose=Invoice.Purpose.DISPUTE_FEE).exists()
