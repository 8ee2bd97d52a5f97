"""When nothing covers a case, the review step issues its fee invoice and the case waits for
the payment: in invoice mode the invoice is due until staff mark it paid; with Stripe the
member goes to Checkout and the signed webhook submits the case. One invoice per case however
often the button is pressed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from appraisals.models import Status, Submission
from appraisals.services.payments import fee_reference, submission_checkout
from appraisals.services.submissions import submission_submit
from appraisals.tests.factories import cashier
from appraisals.tests.paying import press_submit, ready_draft, review_url
from appraisals.tests.reviewing import deliver_events
from billing.models import Invoice
from billing.services.invoices import invoice_mark_paid, invoice_void
from billing.tests.factories import points_give
from billing.tests.fake_stripe import (
    FakeStripe,
    checkout_session,
    deliver,
    event,
    fake_stripe,
    stripe_settings,
)
from members.models import User
from membership.models import QuotaUse

__all__ = ["fake_stripe", "stripe_settings"]

pytestmark = pytest.mark.django_db


def _free_appraisal_used(buyer: User, catalog: dict[str, Any]) -> Submission:
    """The month's one free appraisal goes to a first case."""
    return submission_submit(submission=ready_draft(buyer, catalog["handbag"]))


def test_invoice_mode_the_case_waits_for_staff_to_mark_its_invoice_paid(
    client: Client,
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
    active_model,  # noqa: ANN001
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    _free_appraisal_used(buyer, catalog)
    submission = ready_draft(buyer, catalog["handbag"])
    client.force_login(buyer)

    response = press_submit(client, submission)
    again = press_submit(client, submission)  # a double click, or the back button and again

    assert response.status_code == again.status_code == 302
    assert response["Location"] == review_url(submission)
    invoice = Invoice.objects.get(reference=fee_reference(submission))
    assert (invoice.status, invoice.purpose, invoice.total_cents) == ("due", "appraisal", 2900)
    assert [line.cents for line in invoice.lines.all()] == [2900]
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT
    page = client.get(review_url(submission)).content.decode()
    assert f"Invoice {invoice.number} for €29.00 is due." in page
    assert reverse("billing:invoice-detail", args=[invoice.number]) in page

    with django_capture_on_commit_callbacks(execute=True):
        invoice_mark_paid(invoice=invoice, staff=cashier())

    submission.refresh_from_db()
    assert submission.status != Status.DRAFT and submission.round == 1
    assert submission.price_cents == 2900
    assert not QuotaUse.objects.filter(reference=fee_reference(submission)).exists()
    # The paid invoice settles it: submitting again (a late click) charges nothing more.
    assert Invoice.objects.filter(reference=fee_reference(submission)).count() == 1


def test_points_come_off_the_fee(client: Client, buyer, catalog) -> None:  # noqa: ANN001
    _free_appraisal_used(buyer, catalog)
    points_give(buyer, 500)
    submission = ready_draft(buyer, catalog["handbag"])
    client.force_login(buyer)

    page = client.get(review_url(submission)).content.decode()
    assert "You have 500 points; you may apply up to 500 here." in page
    too_many = press_submit(client, submission, points=2000)
    assert too_many.status_code == 400
    assert (
        "Points can pay at most 50% of an invoice: 1450 points here." in too_many.content.decode()
    )
    assert not Invoice.objects.exists()

    press_submit(client, submission, points=400)

    invoice = Invoice.objects.get(reference=fee_reference(submission))
    assert (invoice.subtotal_cents, invoice.points_used, invoice.total_cents) == (2900, 400, 2500)


def test_a_faster_tier_pays_only_the_difference_and_holds_the_free_appraisal(
    client: Client,
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
    active_model,  # noqa: ANN001
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    priority = ready_draft(buyer, catalog["handbag"], tier="priority")
    client.force_login(buyer)

    page = client.get(review_url(priority)).content.decode()
    assert "Pay €15.00 and submit" in page

    press_submit(client, priority)

    invoice = Invoice.objects.get(reference=fee_reference(priority))
    assert [line.cents for line in invoice.lines.all()] == [4400, -2900]
    assert invoice.total_cents == 1500
    held = QuotaUse.objects.get(reference=fee_reference(priority), restored_at__isnull=True)
    # While the invoice is open, the free appraisal is this case's: another case pays in full.
    other = ready_draft(buyer, catalog["handbag"])
    assert "Pay €29.00 and submit" in client.get(review_url(other)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        invoice_mark_paid(invoice=invoice, staff=cashier())

    priority.refresh_from_db()
    assert priority.status != Status.DRAFT
    assert QuotaUse.objects.get(reference=fee_reference(priority), restored_at__isnull=True) == held


def test_changing_the_tier_before_paying_replaces_the_invoice(
    client: Client,
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
) -> None:
    _free_appraisal_used(buyer, catalog)
    submission = ready_draft(buyer, catalog["handbag"], tier="express")
    client.force_login(buyer)
    press_submit(client, submission)
    first = Invoice.objects.get(reference=fee_reference(submission))
    assert first.total_cents == 5900

    client.post(
        reverse("appraisals:submission-details", args=[submission.uid]), {"tier": "standard"}
    )
    press_submit(client, submission)

    first.refresh_from_db()
    assert first.status == "void"
    live = Invoice.objects.exclude(status="void").get(reference=fee_reference(submission))
    assert live.total_cents == 2900


def test_stripe_sends_the_member_to_checkout_and_its_webhook_submits_the_case(
    client: Client,
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
    fake_stripe: FakeStripe,
    active_model,  # noqa: ANN001
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    _free_appraisal_used(buyer, catalog)
    submission = ready_draft(buyer, catalog["handbag"])
    client.force_login(buyer)

    response = press_submit(client, submission)

    assert response.status_code == 302
    assert response["Location"].startswith("https://checkout.stripe.test/c/pay/cs_test_")
    invoice = Invoice.objects.get(reference=fee_reference(submission))
    session = fake_stripe.sessions[invoice.provider_session]
    assert session["amount_total"] == 2900
    assert session["success_url"].endswith(review_url(submission))
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT

    body = event(
        "checkout.session.completed",
        checkout_session(
            invoice_number=invoice.number, amount_total=2900, session_id=invoice.provider_session
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(Client(), body).status_code == 200

    submission.refresh_from_db()
    assert submission.status != Status.DRAFT and submission.round == 1


def test_the_service_refuses_to_submit_an_unpaid_case(buyer, catalog) -> None:  # noqa: ANN001
    _free_appraisal_used(buyer, catalog)
    submission = ready_draft(buyer, catalog["handbag"])

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="This case costs €29.00. Pay it to submit"):
        submission_submit(submission=submission)
    result = submission_checkout(
        submission=submission, points=0, success_url="http://t/s", cancel_url="http://t/c"
    )
    assert result.submitted is False and result.redirect_url is None
    assert result.invoice is not None and result.invoice.status == "due"
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT and submission.round == 0


def test_staff_voiding_the_invoice_releases_the_free_appraisal_it_held(
    client: Client,
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
) -> None:
    priority = ready_draft(buyer, catalog["handbag"], tier="priority")
    client.force_login(buyer)
    press_submit(client, priority)
    invoice = Invoice.objects.get(reference=fee_reference(priority))

    invoice_void(invoice=invoice, reason="The member asked us to drop it.")
    deliver_events()

    use = QuotaUse.objects.get(reference=fee_reference(priority))
    assert use.restored_at is not None and use.restore_reason == "invoice void"
    other = ready_draft(buyer, catalog["handbag"])
    page = client.get(review_url(other)).content.decode()
    assert "Covered by one of your free appraisals (1 left this month)." in page


def test_the_review_step_and_the_cancel_page_render_in_chinese(
    client: Client,
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
    settings,  # noqa: ANN001
) -> None:
    _free_appraisal_used(buyer, catalog)
    points_give(buyer, 300)
    submission = ready_draft(buyer, catalog["handbag"], tier="priority")
    client.force_login(buyer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    press_submit(client, submission)

    review = client.get(review_url(submission))
    cancel = client.get(reverse("appraisals:submission-cancel", args=[submission.uid]))

    for page in (review, cancel):
        assert page.status_code == 200
        assert '<html lang="zh-hans">' in page.content.decode()
    assert "€44.00" in review.content.decode() and 'id="invoice-due"' in review.content.decode()
