"""A case a pass or a free appraisal covers is submitted from the review step with one click:
its quota is used in the same transaction, and no invoice is issued."""

from __future__ import annotations

import pytest
from django.test import Client

from appraisals.models import Status
from appraisals.services.payments import fee_reference
from appraisals.tests.paying import pass_give, press_submit, ready_draft, review_url
from billing.models import Invoice
from membership.models import QuotaUse

pytestmark = pytest.mark.django_db


def test_a_pass_covers_a_standard_case(client: Client, buyer, catalog) -> None:  # noqa: ANN001
    pass_give(buyer)
    submission = ready_draft(buyer, catalog["handbag"])
    client.force_login(buyer)

    page = client.get(review_url(submission)).content.decode()
    assert "Covered by your pass." in page
    assert "Submit for authentication" in page and "Pay €" not in page

    response = press_submit(client, submission)

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED
    use = QuotaUse.objects.get(reference=fee_reference(submission))
    assert (use.source, use.restored_at, use.covered_cents) == ("pass", None, 2900)
    assert not Invoice.objects.exists()


def test_a_free_appraisal_covers_the_first_case_of_the_month(
    client: Client,
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
) -> None:
    first = ready_draft(buyer, catalog["handbag"])
    client.force_login(buyer)

    page = client.get(review_url(first)).content.decode()
    assert "Covered by one of your free appraisals (1 left this month)." in page

    assert press_submit(client, first).status_code == 302
    first.refresh_from_db()
    assert first.status == Status.SUBMITTED
    assert QuotaUse.objects.get(reference=fee_reference(first)).source == "free"
    assert not Invoice.objects.exists()

    # The month's only free appraisal is used: the next case has a price.
    second = ready_draft(buyer, catalog["handbag"])
    page = client.get(review_url(second)).content.decode()
    assert "Pay €29.00 and submit" in page
    assert "You have used your 1 free appraisals this month" in page
