"""The price policy (appraisals/pricing.py): per tier, per category where it differs, in cents,
written for the reader's language; and where the buyer reads it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from appraisals.pricing import (
    Money,
    PriceInput,
    PricingPolicy,
    UnknownTier,
    appraisal_price,
    price_format,
)
from appraisals.services.submissions import submission_details_update
from appraisals.tests.factories import draft_for

POLICY = PricingPolicy(
    tier_cents={"standard": 2900, "express": 5900},
    category_cents={"watch": {"express": 7900}},
)


def test_it_prices_each_tier_and_a_category_where_it_differs() -> None:
    assert appraisal_price(PriceInput("standard", "handbag"), POLICY) == Money(2900)
    assert appraisal_price(PriceInput("express", "handbag"), POLICY) == Money(5900)
    assert appraisal_price(PriceInput("express", "watch"), POLICY) == Money(7900)
    # A category that changes only one tier keeps the others.
    assert appraisal_price(PriceInput("standard", "watch"), POLICY) == Money(2900)


def test_it_refuses_a_tier_without_a_price() -> None:
    with pytest.raises(UnknownTier):
        appraisal_price(PriceInput("overnight", "handbag"), POLICY)


def test_it_takes_only_whole_cents() -> None:
    with pytest.raises(ValueError, match="cents"):
        PricingPolicy(tier_cents={"standard": 29.5})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="cents"):
        PricingPolicy(category_cents={"watch": {"express": -1}})


def test_it_reads_its_prices_from_the_settings(settings) -> None:  # noqa: ANN001
    settings.PRICE_CENTS_STANDARD = 1000
    settings.PRICE_CENTS_EXPRESS = 2000
    settings.PRICE_CENTS_BY_CATEGORY = {"watch": {"standard": 1500}}
    policy = PricingPolicy.from_settings()
    assert appraisal_price(PriceInput("standard", "watch"), policy) == Money(1500)
    assert appraisal_price(PriceInput("express", "watch"), policy) == Money(2000)


def test_it_writes_money_with_two_decimals_and_grouping() -> None:
    assert price_format(Money(2900), language="en") == "€29.00"
    assert price_format(Money(123456789), language="en") == "€1,234,567.89"
    assert price_format(Money(5), language="en") == "€0.05"
    assert price_format(Money(2900, "CHF"), language="en") == "29.00 CHF"


pytestmark = pytest.mark.django_db


def test_the_buyer_sees_the_price_on_the_tier_choice_the_review_and_the_status(
    client: Client,
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
    settings,  # noqa: ANN001
) -> None:
    settings.PRICE_CENTS_STANDARD, settings.PRICE_CENTS_EXPRESS = 3100, 6200
    settings.PRICE_CENTS_BY_CATEGORY = {}
    submission = draft_for(buyer, catalog["handbag"], with_photos=True)
    client.force_login(buyer)

    details = client.get(reverse("appraisals:submission-details", args=[submission.uid]))
    page = details.content.decode()
    assert 'data-tier="standard">€31.00<' in page
    assert 'data-tier="express">€62.00<' in page

    submission_details_update(
        submission=submission, serial_code="", tier="express", declared_value_eur=12500
    )
    review = client.get(reverse("appraisals:submission-review", args=[submission.uid]))
    page = review.content.decode()
    assert "€62.00" in page
    assert "€12,500.00" in page  # the declared value, in the summary

    status = client.get(reverse("appraisals:submission-detail", args=[submission.uid]))
    assert 'id="status-price">€62.00<' in status.content.decode()
