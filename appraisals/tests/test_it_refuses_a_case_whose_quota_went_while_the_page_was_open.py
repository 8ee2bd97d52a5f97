"""The review step said a free appraisal covers the case, but another case used the month's
last one before the member clicked: the click is refused with a clear message, the case stays
a draft, nothing is charged, and the page now shows the price. Under concurrency the database
lets exactly as many cases through as there are free appraisals."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from appraisals.models import Status, Submission
from appraisals.services.payments import fee_reference
from appraisals.services.submissions import submission_submit
from appraisals.tests.paying import press_submit, ready_draft, review_url
from billing.models import Invoice
from membership.models import QuotaUse
from tests.racing import race

pytestmark = pytest.mark.django_db


def test_the_last_free_appraisal_used_elsewhere_refuses_the_click(
    client: Client,
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
) -> None:
    mine = ready_draft(buyer, catalog["handbag"])
    other = ready_draft(buyer, catalog["handbag"])
    client.force_login(buyer)
    page = client.get(review_url(mine)).content.decode()
    assert "Covered by one of your free appraisals (1 left this month)." in page
    seen = re.search(r'name="price_seen" value="(\d+)"', page)
    assert seen is not None and seen.group(1) == "0"

    submission_submit(submission=other)  # in another tab, a moment earlier
    response = press_submit(client, mine, price_seen=seen.group(1))

    assert response.status_code == 400
    body = response.content.decode()
    assert "The price changed while the page was open: You have used your 1 free" in body
    assert "It is now €29.00; check it and press the button again." in body
    assert 'name="price_seen" value="2900"' in body
    assert "Pay €29.00 and submit" in body
    mine.refresh_from_db()
    assert mine.status == Status.DRAFT and mine.round == 0
    assert not QuotaUse.objects.filter(reference=fee_reference(mine)).exists()
    assert not Invoice.objects.exists()


@pytest.mark.django_db(transaction=True)  # committing transactions, a connection per thread
def test_four_covered_cases_submitted_at_once_share_one_free_appraisal(
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
    active_model,  # noqa: ANN001 - the winner's photo check and pre-screen run after commit
) -> None:
    """Each thread read the offer "covered" and clicked at the same moment: the database lets
    exactly one take the month's free appraisal; the others are refused and stay drafts."""
    drafts = [ready_draft(buyer, catalog["handbag"]) for _ in range(4)]

    results, errors = race(4, lambda i: submission_submit(submission=drafts[i]))

    assert len(results) == 1, errors
    assert len(errors) == 3 and all(isinstance(e, ValidationError) for e in errors)
    # Refused by the offer (it saw the free appraisal gone) or by the locked consume (it saw
    # it free, then lost the race): either way the member is told, in words.
    told = ("Pay it to submit the case.", "no longer covers this case")
    for error in errors:
        text = " ".join(error.messages)  # type: ignore[attr-defined]
        assert any(sentence in text for sentence in told), text
    rounds = sorted(Submission.objects.values_list("round", flat=True))
    assert rounds == [0, 0, 0, 1]
    assert Submission.objects.filter(status=Status.DRAFT).count() == 3
    assert QuotaUse.objects.filter(member=buyer, restored_at__isnull=True).count() == 1
