"""Whatever refuses a case's checkout (membership's quota, points or credit rules, or the
payment provider) comes back to the member as a message on the review step (a 400), with
nothing charged or consumed, never as a server error. A category whose Standard price is
above a faster tier's has that tier covered in full by a free appraisal, rather than refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from appraisals.models import Status
from appraisals.services.payments import fee_reference
from appraisals.services.submissions import submission_submit
from appraisals.tests.paying import pass_give, press_submit, ready_draft, review_url
from appraisals.tests.reviewing import deliver_events
from billing.models import Invoice
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
from membership.selectors.quotas import QuotaRefused
from membership.services.credit import CreditRefused
from membership.services.points import PointsRefused

__all__ = ["fake_stripe", "stripe_settings"]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("refusal", [QuotaRefused, PointsRefused, CreditRefused])
def test_a_membership_refusal_is_a_message_on_the_page(
    client: Client,
    buyer: User,
    catalog: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    refusal: type[Exception],
) -> None:
    submission = ready_draft(buyer, catalog["handbag"])  # a free appraisal covers it

    def refuse(**_: Any) -> None:
        raise refusal("reference_reused", "This reference belongs to another member's case.")

    monkeypatch.setattr("appraisals.services.fees.quota_consume", refuse)
    client.force_login(buyer)

    response = press_submit(client, submission)

    assert response.status_code == 400
    assert "This reference belongs to another member&#x27;s case." in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT and submission.round == 0
    assert not QuotaUse.objects.exists() and not Invoice.objects.exists()


def test_a_standard_price_above_a_faster_tiers_covers_that_tier(
    client: Client, buyer: User, catalog: dict[str, Any], settings: Any
) -> None:
    # Misconfigured, or a category priced that way: Standard above Priority's default €44.
    settings.PRICE_CENTS_BY_CATEGORY = {"handbag": {"standard": 9900}}
    submission = ready_draft(buyer, catalog["handbag"], tier="priority")
    client.force_login(buyer)

    details = client.get(reverse("appraisals:submission-details", args=[submission.uid]))
    review = client.get(review_url(submission))
    response = press_submit(client, submission)

    assert details.status_code == review.status_code == 200
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status != Status.DRAFT
    use = QuotaUse.objects.get(reference=fee_reference(submission))
    assert (use.source, use.base_cents, use.covered_cents) == ("free", 4400, 4400)
    assert not Invoice.objects.exists()


def test_a_card_session_paid_as_a_pass_arrives_is_a_message_then_the_payment_submits(
    client: Client,
    buyer: User,
    catalog: dict[str, Any],
    fake_stripe: FakeStripe,
    active_model: Any,
) -> None:
    submission_submit(submission=ready_draft(buyer, catalog["handbag"]))  # the free appraisal
    case = ready_draft(buyer, catalog["handbag"])
    client.force_login(buyer)
    press_submit(client, case)  # to Stripe's page
    invoice = Invoice.objects.get(reference=fee_reference(case))
    fake_stripe.session_complete(invoice.provider_session)  # paid there...
    pass_give(buyer)  # ...as a pass starts, before the webhook arrives

    response = press_submit(client, case)  # covered now: the invoice can't be voided

    assert response.status_code == 400
    assert f"Invoice {invoice.number} was already paid by card" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.DRAFT
    assert not QuotaUse.objects.filter(reference=fee_reference(case)).exists()

    paid = checkout_session(
        invoice_number=invoice.number, amount_total=2900, session_id=invoice.provider_session
    )
    assert deliver(Client(), event("checkout.session.completed", paid)).status_code == 200
    deliver_events()

    case.refresh_from_db()
    invoice.refresh_from_db()
    assert case.status != Status.DRAFT and invoice.status == "paid"
    # It went on its payment: the pass wasn't used as well.
    assert not QuotaUse.objects.filter(reference=fee_reference(case)).exists()
