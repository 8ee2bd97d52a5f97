"""The price a buyer saw when submitting is the case's price, whatever the price list says later."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from appraisals.services.submissions import submission_details_update, submission_price
from appraisals.tests.factories import draft_for, submit_paying

pytestmark = pytest.mark.django_db


def test_it_keeps_the_quoted_price_when_prices_change(
    buyer: Any, catalog: Any, settings: Any, client: Client
) -> None:
    settings.PRICE_CENTS_EXPRESS = 5900
    settings.PRICE_CENTS_BY_CATEGORY = {}
    submission = draft_for(buyer, catalog["handbag"], with_photos=True)
    submission = submission_details_update(submission=submission, serial_code="", tier="express")
    assert submission.price_cents is None

    submit_paying(submission)  # an Express case: its owner pays what Free doesn't cover
    submission.refresh_from_db()
    settings.PRICE_CENTS_EXPRESS = 9900

    assert submission.price_cents == 5900
    assert submission_price(submission=submission).cents == 5900
    client.force_login(buyer)
    page = client.get(reverse("appraisals:submission-detail", args=[submission.uid]))
    assert "€59.00" in page.content.decode()
    assert "€99.00" not in page.content.decode()


def test_a_draft_shows_todays_price(buyer: Any, catalog: Any, settings: Any) -> None:
    settings.PRICE_CENTS_STANDARD = 3100
    settings.PRICE_CENTS_BY_CATEGORY = {}
    submission = draft_for(buyer, catalog["handbag"])

    assert submission_price(submission=submission).cents == 3100
