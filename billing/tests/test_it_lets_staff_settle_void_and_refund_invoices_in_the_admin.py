"""Staff settle, void and refund invoices in the admin through actions that ask first (and a
reason, for void and refund), name each refusal, and change nothing else; the ledger, the
provider's events and pass subscriptions are read-only; the admin speaks Chinese too."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from billing.models import Invoice, LedgerEntry
from billing.services.invoices import invoice_settle
from billing.tests.factories import appraisal_invoice, staff_make
from members.models import User
from members.roles import Role
from members.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:billing_invoice_changelist"


@pytest.fixture
def staff_client(db: None) -> Client:
    client = Client()
    client.force_login(staff_make())
    return client


def _act(client: Client, action: str, invoices: list[Invoice], **extra: str) -> object:
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(i.pk) for i in invoices], **extra}
    return client.post(reverse(CHANGELIST), data, follow=True)


def test_mark_paid_asks_first_then_settles(staff_client: Client, buyer: User) -> None:
    invoice = appraisal_invoice(buyer, cents=2900)

    question = _act(staff_client, "mark_paid", [invoice])
    assert question.status_code == 200  # type: ignore[attr-defined]
    assert invoice.number in question.content.decode()  # type: ignore[attr-defined]
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DUE

    done = _act(staff_client, "mark_paid", [invoice], confirm="yes")

    assert "1 invoice marked paid." in done.content.decode()  # type: ignore[attr-defined]
    invoice.refresh_from_db()
    assert invoice.is_paid and invoice.paid_by is not None
    assert LedgerEntry.objects.filter(invoice=invoice, kind="payment").count() == 1


def test_void_needs_a_reason_and_names_each_refusal(staff_client: Client, buyer: User) -> None:
    due = appraisal_invoice(buyer, reference="submission:due")
    paid = invoice_settle(invoice=appraisal_invoice(buyer, reference="submission:paid"))

    no_reason = _act(staff_client, "void", [due, paid], confirm="yes", reason="")
    assert no_reason.status_code == 400  # type: ignore[attr-defined]
    assert "Give a reason." in no_reason.content.decode()  # type: ignore[attr-defined]

    done = _act(staff_client, "void", [due, paid], confirm="yes", reason="Case withdrawn")

    text = done.content.decode()  # type: ignore[attr-defined]
    assert "1 invoice voided." in text
    assert (
        f"{paid.number}: Invoice {paid.number} is Paid; only a due invoice can be voided." in text
    )
    due.refresh_from_db()
    paid.refresh_from_db()
    assert (due.status, due.void_reason) == (Invoice.Status.VOID, "Case withdrawn")
    assert paid.status == Invoice.Status.PAID


def test_refund_writes_the_refund_and_refuses_an_unpaid_invoice(
    staff_client: Client, buyer: User
) -> None:
    paid = invoice_settle(invoice=appraisal_invoice(buyer, reference="submission:paid"))
    due = appraisal_invoice(buyer, reference="submission:due")

    done = _act(staff_client, "refund", [paid, due], confirm="yes", reason="Overturned")

    text = done.content.decode()  # type: ignore[attr-defined]
    assert "1 invoice refunded." in text
    assert "only a paid invoice can be refunded" in text
    assert LedgerEntry.objects.filter(kind="refund").count() == 1
    paid.refresh_from_db()
    assert paid.status == Invoice.Status.REFUNDED


def test_an_invoice_and_the_ledger_cannot_be_edited_by_hand(
    staff_client: Client, buyer: User
) -> None:
    invoice = invoice_settle(invoice=appraisal_invoice(buyer))
    entry = LedgerEntry.objects.get()

    page = staff_client.get(reverse("admin:billing_invoice_change", args=[invoice.pk]))
    assert page.status_code == 200 and "Appraisal, Standard" in page.content.decode()
    assert staff_client.get(reverse("admin:billing_invoice_add")).status_code == 403
    change = reverse("admin:billing_invoice_change", args=[invoice.pk])
    assert staff_client.post(change, {"total_cents": "1"}).status_code == 403
    for name in ("ledgerentry", "paymentevent", "passsubscription"):
        assert staff_client.get(reverse(f"admin:billing_{name}_changelist")).status_code == 200
        assert staff_client.get(reverse(f"admin:billing_{name}_add")).status_code == 403
    delete = reverse("admin:billing_ledgerentry_delete", args=[entry.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert LedgerEntry.objects.get().cents == 2900


def test_an_expert_cannot_settle_invoices(buyer: User) -> None:
    invoice = appraisal_invoice(buyer)
    client = Client()
    expert: User = UserFactory(email="expert@example.com", roles=[Role.EXPERT])  # type: ignore[assignment]
    client.force_login(expert)

    assert client.get(reverse(CHANGELIST)).status_code == 403
    _act(client, "mark_paid", [invoice], confirm="yes")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DUE


def test_the_admin_pages_render_in_chinese(staff_client: Client, buyer: User) -> None:
    invoice = appraisal_invoice(buyer)
    for url in (
        reverse(CHANGELIST),
        reverse("admin:billing_invoice_change", args=[invoice.pk]),
        reverse("admin:billing_ledgerentry_changelist"),
    ):
        page = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert page.status_code == 200
        assert 'lang="zh-hans"' in page.content.decode()
