"""An appraisal fee invoice still unpaid after its due date is voided by the hourly task
(``appraisals.tasks.fee_invoices_void_overdue``), so the free appraisal it held for a partly
covered case comes back to the member. Paid, void and pass invoices are left alone, as is a
card invoice whose session was paid meanwhile; running the task again changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings

from appraisals.models import Status
from appraisals.services.payments import (
    fee_invoices_void_overdue,
    fee_reference,
    submission_checkout,
)
from appraisals.tasks import fee_invoices_void_overdue as fee_invoices_void_overdue_task
from appraisals.tests.factories import cashier
from appraisals.tests.paying import press_submit, ready_draft
from appraisals.tests.reviewing import deliver_events
from billing.models import Invoice
from billing.services.invoices import invoice_mark_paid
from billing.services.passes import pass_checkout
from billing.tests.fake_stripe import FakeStripe, fake_stripe, stripe_settings
from members.models import User
from membership.models import Plan, QuotaUse
from membership.selectors.quotas import quota_usage

__all__ = ["fake_stripe", "stripe_settings"]

pytestmark = pytest.mark.django_db


def _priority_invoice(buyer: User, catalog: dict[str, Any]) -> Invoice:
    """A Priority case: a free appraisal set aside for its Standard part, the rest due."""
    case = ready_draft(buyer, catalog["handbag"], tier="priority")
    result = submission_checkout(
        submission=case, points=0, success_url="http://t/", cancel_url="http://t/"
    )
    assert result.invoice is not None and result.invoice.status == "due"
    return result.invoice


def test_an_overdue_fee_invoice_is_voided_and_its_free_appraisal_comes_back(
    buyer: User, catalog: dict[str, Any]
) -> None:
    invoice = _priority_invoice(buyer, catalog)
    pass_invoice = pass_checkout(member=buyer, plan=Plan.objects.get(code="pass-monthly"))
    assert quota_usage(buyer).left == 0

    assert fee_invoices_void_overdue(now=invoice.due_at - timedelta(minutes=1)) == 0
    invoice.refresh_from_db()
    assert invoice.status == "due"

    later = invoice.due_at + timedelta(hours=1)
    assert fee_invoices_void_overdue(now=later) == 1
    deliver_events()  # InvoiceVoided: the held free appraisal is released

    invoice.refresh_from_db()
    assert invoice.status == "void"
    use = QuotaUse.objects.get(reference=invoice.reference)
    assert use.restored_at is not None and use.restore_reason == "invoice void"
    assert quota_usage(buyer).left == 1
    pass_invoice.refresh_from_db()
    assert pass_invoice.status == "due"  # a pass's invoice isn't this task's
    # Run again (the beat fires twice, or two workers): nothing more.
    assert fee_invoices_void_overdue(now=later) == 0
    deliver_events()
    assert QuotaUse.objects.filter(reference=invoice.reference).count() == 1


def test_a_paid_fee_invoice_is_left_alone(buyer: User, catalog: dict[str, Any]) -> None:
    invoice = _priority_invoice(buyer, catalog)
    invoice_mark_paid(invoice=invoice, staff=cashier())
    deliver_events()

    assert fee_invoices_void_overdue(now=invoice.due_at + timedelta(days=30)) == 0
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    assert QuotaUse.objects.get(reference=invoice.reference).restored_at is None


def test_a_card_session_paid_meanwhile_keeps_its_invoice_due(
    client: Any,
    buyer: User,
    catalog: dict[str, Any],
    fake_stripe: FakeStripe,
) -> None:
    case = ready_draft(buyer, catalog["handbag"], tier="priority")
    client.force_login(buyer)
    press_submit(client, case)  # to Stripe's page
    invoice = Invoice.objects.get(reference=fee_reference(case))
    fake_stripe.session_complete(invoice.provider_session)  # its webhook is on its way

    assert fee_invoices_void_overdue(now=invoice.due_at + timedelta(hours=1)) == 0

    invoice.refresh_from_db()
    assert invoice.status == "due"
    assert QuotaUse.objects.get(reference=invoice.reference).restored_at is None
    case.refresh_from_db()
    assert case.status == Status.DRAFT


def test_the_task_runs_hourly_and_does_nothing_when_nothing_is_overdue(
    buyer: User, catalog: dict[str, Any]
) -> None:
    entry = django_settings.CELERY_BEAT_SCHEDULE["void-overdue-fee-invoices"]
    assert entry == {"task": "appraisals.tasks.fee_invoices_void_overdue", "schedule": 3600.0}
    assert fee_invoices_void_overdue_task.name == entry["task"]
    _priority_invoice(buyer, catalog)

    assert fee_invoices_void_overdue_task.apply().get() == 0
