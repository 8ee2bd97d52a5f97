"""The money ledger can't be edited or deleted, even by SQL that skips the ORM's rules."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError

from billing.models import LedgerEntry
from billing.services.invoices import invoice_settle
from billing.tests.factories import appraisal_invoice
from members.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE billing_ledgerentry SET cents = 1 WHERE id = %s",
        "UPDATE billing_ledgerentry SET note = 'edited' WHERE id = %s",
        "DELETE FROM billing_ledgerentry WHERE id = %s",
    ],
)
def test_sql_cannot_change_or_delete_an_entry(buyer: User, statement: str) -> None:
    invoice_settle(invoice=appraisal_invoice(buyer, cents=2900))
    entry = LedgerEntry.objects.get()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])

    entry.refresh_from_db()
    assert (entry.cents, entry.note) == (2900, "")


def test_an_entry_is_positive_and_a_payout_names_no_invoice(buyer: User) -> None:
    invoice = invoice_settle(invoice=appraisal_invoice(buyer, cents=2900))
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            member=buyer, invoice=invoice, kind="payment", cents=-5, reference="neg"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            member=buyer, invoice=invoice, kind="payout", cents=5, reference="payout-inv"
        )
