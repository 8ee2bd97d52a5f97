"""The pass pages: the passes with their prices, a pay button that issues one invoice (due, in
invoice mode, with a note that staff mark it paid), and cancelling renewal after a
confirmation page, with a clear 400 when there is nothing to cancel."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from billing.models import Invoice, PassSubscription
from billing.services.invoices import invoice_mark_paid
from billing.services.passes import pass_checkout
from billing.tests.factories import pass_plan, staff_make
from members.models import User

pytestmark = pytest.mark.django_db


def test_the_page_lists_the_passes_with_their_prices(client: Client, buyer: User) -> None:
    client.force_login(buyer)

    page = client.get(reverse("billing:pass-upgrade") + "?plan=pass-annual")

    text = page.content.decode()
    assert page.status_code == 200
    assert "Pass (monthly)" in text and "€19.00 a month" in text
    assert "Pass (annual)" in text and "€190.00 a year" in text
    assert 'value="pass-annual" checked' in text
    assert "You have no pass at the moment." in text


def test_paying_twice_issues_one_due_invoice(client: Client, buyer: User) -> None:
    client.force_login(buyer)

    first = client.post(reverse("billing:pass-upgrade"), {"plan": "pass-monthly"})
    second = client.post(reverse("billing:pass-upgrade"), {"plan": "pass-monthly"}, follow=True)

    invoice = Invoice.objects.get()
    detail = reverse("billing:invoice-detail", args=[invoice.number])
    assert first.status_code == 302 and first["Location"] == detail
    assert invoice.status == Invoice.Status.DUE and invoice.total_cents == 1900
    assert "staff mark it paid" in second.content.decode()
    page = client.get(reverse("billing:pass-upgrade")).content.decode()
    assert invoice.number in page


def test_an_unknown_pass_is_a_clear_400(client: Client, buyer: User) -> None:
    client.force_login(buyer)

    response = client.post(reverse("billing:pass-upgrade"), {"plan": "free"})

    assert response.status_code == 400
    assert "That pass is not on offer." in response.content.decode()
    assert not Invoice.objects.exists()


def test_cancelling_asks_first_then_turns_renewal_off(client: Client, buyer: User) -> None:
    invoice_mark_paid(invoice=pass_checkout(member=buyer, plan=pass_plan()), staff=staff_make())
    client.force_login(buyer)

    confirm = client.get(reverse("billing:pass-cancel"))
    assert confirm.status_code == 200
    assert "holds until" in confirm.content.decode()
    assert PassSubscription.objects.get().renews is True

    done = client.post(reverse("billing:pass-cancel"), follow=True)

    assert done.redirect_chain[-1][0] == reverse("billing:pass-upgrade")
    assert "won&#x27;t renew" in done.content.decode()  # the message
    assert "does not renew" in done.content.decode()
    assert PassSubscription.objects.get().renews is False


def test_cancelling_without_a_pass_is_a_clear_400(client: Client, buyer: User) -> None:
    client.force_login(buyer)

    response = client.post(reverse("billing:pass-cancel"))

    assert response.status_code == 400
    assert "You have no pass that renews." in response.content.decode()


def test_the_page_shows_the_passes_chinese_names(client: Client, buyer: User) -> None:
    client.force_login(buyer)

    page = client.get(reverse("billing:pass-upgrade"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert page.status_code == 200
    assert "鉴定通行证（月付）" in page.content.decode()
