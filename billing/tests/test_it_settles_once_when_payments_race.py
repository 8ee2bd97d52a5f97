"""Staff and the provider settle one invoice at once, from several threads on their own
connections: one payment on the ledger, one spend, one event; and a double-clicked pass
checkout, raced, issues one invoice."""

from __future__ import annotations

import pytest
from django.db import connection

from billing.models import Invoice, LedgerEntry, PassSubscription
from billing.services.invoices import invoice_mark_paid, invoice_settle
from billing.services.passes import pass_checkout
from billing.tests.factories import appraisal_invoice, pass_plan, staff_make
from events.models import Event
from members.models import User
from membership.models import Spend
from tests.racing import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_eight_concurrent_settlements_write_one_payment(buyer: User) -> None:
    assert connection.vendor == "postgresql"
    staff = staff_make()
    invoice = appraisal_invoice(buyer, cents=4400)

    def settle(index: int) -> Invoice:
        if index % 2:
            return invoice_mark_paid(invoice=invoice, staff=staff)
        return invoice_settle(invoice=invoice, provider_payment=f"pi_{index}")

    settled, errors = race(8, settle)

    assert not errors, errors
    assert len(settled) == 8 and all(s.is_paid for s in settled)
    assert LedgerEntry.objects.filter(kind="payment").count() == 1
    assert LedgerEntry.objects.get().cents == 4400
    assert Spend.objects.filter(reference=invoice.number).count() == 1
    assert Event.objects.filter(name="invoice.paid").count() == 1


def test_a_double_clicked_pass_checkout_issues_one_invoice(buyer: User) -> None:
    plan = pass_plan()

    invoices, errors = race(6, lambda i: pass_checkout(member=buyer, plan=plan))

    assert not errors, errors
    assert len({invoice.pk for invoice in invoices}) == 1
    assert Invoice.objects.count() == 1
    assert PassSubscription.objects.count() == 1
