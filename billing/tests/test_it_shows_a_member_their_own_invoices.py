"""A member's invoice pages: the list and each invoice for its owner only (404 for anyone
else), the PDF, a fixed number of queries, in English and Chinese; sign-in required."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from billing.models import Invoice
from billing.services.invoices import LineInput, invoice_issue, invoice_settle
from billing.tests.factories import appraisal_invoice, points_give
from members.models import User

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_members_invoices_and_no_one_elses(
    client: Client, buyer: User, stranger: User
) -> None:
    own = appraisal_invoice(buyer, reference="submission:own", cents=2900)
    other = appraisal_invoice(stranger, reference="submission:other", cents=5900)
    client.force_login(buyer)

    page = client.get(reverse("billing:invoice-list"))

    assert page.status_code == 200
    text = page.content.decode()
    assert own.number in text and "€29.00" in text
    assert other.number not in text and "€59.00" not in text


def test_the_list_costs_a_fixed_number_of_queries(
    client: Client, buyer: User, django_assert_max_num_queries: object
) -> None:
    client.force_login(buyer)
    appraisal_invoice(buyer, reference="submission:one")
    client.get(reverse("billing:invoice-list"))  # warm the session and the user
    with django_assert_max_num_queries(6) as few:  # type: ignore[operator]
        client.get(reverse("billing:invoice-list"))
    for n in range(10):
        appraisal_invoice(buyer, reference=f"submission:more{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):  # type: ignore[operator]
        page = client.get(reverse("billing:invoice-list"))
    assert page.content.decode().count("INV-") >= 11


def test_an_invoice_shows_its_lines_discount_and_total(client: Client, buyer: User) -> None:
    points_give(buyer, 500)
    invoice = invoice_issue(
        member=buyer,
        purpose=Invoice.Purpose.APPRAISAL,
        reference="submission:lines",
        lines=[
            LineInput(description="Appraisal, Express", cents=5900),
            LineInput(description="Covered by your pass", cents=-2900),
        ],
        points=500,
    )
    client.force_login(buyer)

    page = client.get(reverse("billing:invoice-detail", args=[invoice.number]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Appraisal, Express" in text and "Covered by your pass" in text
    assert "€25.00" in text  # 5900 - 2900 - 500
    assert "500 points" in text
    assert "bank transfer" in text  # invoice mode says how to pay
    assert "Pay now" not in text


@override_settings(PAYMENT_PROVIDER="stripe")
def test_with_card_payments_a_due_invoice_offers_to_pay(client: Client, buyer: User) -> None:
    invoice = appraisal_invoice(buyer)
    client.force_login(buyer)

    text = client.get(reverse("billing:invoice-detail", args=[invoice.number])).content.decode()

    assert "Pay now" in text and "bank transfer" not in text


def test_someone_elses_invoice_is_not_found(client: Client, buyer: User, stranger: User) -> None:
    invoice = appraisal_invoice(buyer)
    client.force_login(stranger)

    for name in ("billing:invoice-detail", "billing:invoice-pdf"):
        assert client.get(reverse(name, args=[invoice.number])).status_code == 404
    assert client.post(reverse("billing:invoice-pay", args=[invoice.number])).status_code == 404
    assert (
        client.get(reverse("billing:invoice-detail", args=["INV-0000-000000"])).status_code == 404
    )


def test_signing_in_is_required(client: Client, buyer: User) -> None:
    invoice = appraisal_invoice(buyer)
    for url in (
        reverse("billing:invoice-list"),
        reverse("billing:invoice-detail", args=[invoice.number]),
        reverse("billing:invoice-pdf", args=[invoice.number]),
        reverse("billing:pass-upgrade"),
        reverse("billing:pass-cancel"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_the_pdf_downloads_in_the_readers_language(client: Client, buyer: User) -> None:
    invoice = invoice_settle(invoice=appraisal_invoice(buyer))
    client.force_login(buyer)

    english = client.get(reverse("billing:invoice-pdf", args=[invoice.number]))
    chinese = client.get(
        reverse("billing:invoice-pdf", args=[invoice.number]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    for response in (english, chinese):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert invoice.number in response["Content-Disposition"]


def test_paying_in_invoice_mode_leaves_the_invoice_due(client: Client, buyer: User) -> None:
    invoice = appraisal_invoice(buyer)
    client.force_login(buyer)

    response = client.post(reverse("billing:invoice-pay", args=[invoice.number]), follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "billing:invoice-detail", args=[invoice.number]
    )
    assert "bank transfer" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DUE


def test_paying_a_paid_invoice_is_refused_with_a_message(client: Client, buyer: User) -> None:
    invoice = invoice_settle(invoice=appraisal_invoice(buyer))
    client.force_login(buyer)

    response = client.post(reverse("billing:invoice-pay", args=[invoice.number]))

    assert response.status_code == 400
    assert "not awaiting payment" in response.content.decode()


def test_the_pages_render_in_chinese(client: Client, buyer: User) -> None:
    invoice = appraisal_invoice(buyer)
    client.force_login(buyer)

    for url in (
        reverse("billing:invoice-list"),
        reverse("billing:invoice-detail", args=[invoice.number]),
    ):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert page.status_code == 200
        assert '<html lang="zh-hans">' in page.content.decode()
        assert invoice.number in page.content.decode()
