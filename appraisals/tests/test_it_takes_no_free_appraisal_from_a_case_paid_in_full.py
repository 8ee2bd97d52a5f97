"""A case whose fee invoice is paid goes through on that payment alone: it keeps the free
appraisal set aside for it at checkout (the Standard part of a faster tier) and takes no new
one, so a free appraisal that came back after checkout (another case cancelled) stays the
member's for their next case."""

from __future__ import annotations

from typing import Any

import pytest

from appraisals.models import Status
from appraisals.services.payments import fee_reference, submission_cancel, submission_checkout
from appraisals.services.submissions import submission_submit
from appraisals.tests.factories import cashier
from appraisals.tests.paying import ready_draft
from appraisals.tests.reviewing import deliver_events
from billing.services.invoices import invoice_mark_paid
from members.models import User
from membership.models import QuotaUse
from membership.selectors.quotas import quota_usage

pytestmark = pytest.mark.django_db


def test_a_free_appraisal_back_after_checkout_stays_the_members(
    buyer: User, catalog: dict[str, Any]
) -> None:
    first = submission_submit(submission=ready_draft(buyer, catalog["handbag"]))
    paid = ready_draft(buyer, catalog["handbag"])
    result = submission_checkout(
        submission=paid, points=0, success_url="http://t/", cancel_url="http://t/"
    )
    assert result.invoice is not None and result.invoice.total_cents == 2900  # nothing covers it
    submission_cancel(submission=first, by=buyer)  # the month's free appraisal comes back
    assert quota_usage(buyer).left == 1

    invoice_mark_paid(invoice=result.invoice, staff=cashier())
    deliver_events()  # InvoicePaid: the case goes on the payment

    paid.refresh_from_db()
    assert paid.status != Status.DRAFT and paid.round == 1
    assert not QuotaUse.objects.filter(reference=fee_reference(paid)).exists()
    assert quota_usage(buyer).left == 1


def test_a_paid_faster_tier_keeps_the_free_appraisal_held_since_checkout(
    buyer: User, catalog: dict[str, Any]
) -> None:
    priority = ready_draft(buyer, catalog["handbag"], tier="priority")
    result = submission_checkout(
        submission=priority, points=0, success_url="http://t/", cancel_url="http://t/"
    )
    assert result.invoice is not None and result.invoice.total_cents == 1500
    held = QuotaUse.objects.get(reference=fee_reference(priority), restored_at__isnull=True)

    invoice_mark_paid(invoice=result.invoice, staff=cashier())
    deliver_events()

    priority.refresh_from_db()
    assert priority.status != Status.DRAFT
    assert QuotaUse.objects.get(reference=fee_reference(priority)) == held
    assert quota_usage(buyer).left == 0
