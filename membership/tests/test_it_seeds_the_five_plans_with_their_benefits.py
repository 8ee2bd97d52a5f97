"""The platform starts with five plans (migration 0003_plans_seed): Free, the monthly and annual
pass, Black card and Diamond, each with its benefits and price; staff edit them afterwards."""

from __future__ import annotations

from decimal import Decimal

import pytest

from membership.models import Plan

pytestmark = pytest.mark.django_db


def test_the_five_plans_are_there_in_order() -> None:
    assert list(Plan.objects.values_list("code", "kind")) == [
        ("free", "free"),
        ("pass-monthly", "pass"),
        ("pass-annual", "pass"),
        ("black", "tier"),
        ("diamond", "tier"),
    ]


def test_each_plan_carries_its_benefits_and_price() -> None:
    fields = [
        "free_appraisals",
        "free_appraisals_period",
        "unlimited_basic_appraisals",
        "review_priority",
        "sla_hours",
        "dispute_fee_waived",
        "guarantee_multiplier",
        "report_template",
        "spend_threshold_cents",
        "price_cents",
        "currency",
        "billing_interval",
    ]
    plans = {p["code"]: p for p in Plan.objects.values("code", *fields)}

    free, black, diamond = plans["free"], plans["black"], plans["diamond"]
    assert (free["free_appraisals"], free["sla_hours"], free["price_cents"]) == (1, None, 0)
    assert plans["pass-monthly"]["price_cents"] == 1900
    assert plans["pass-monthly"]["billing_interval"] == "month"
    assert plans["pass-annual"]["price_cents"] == 19000
    assert plans["pass-annual"]["billing_interval"] == "year"
    assert all(plans[p]["unlimited_basic_appraisals"] for p in ("pass-monthly", "pass-annual"))
    # Black: €1,000 in 12 months, 24 h, double Free's free appraisals, no dispute fee, cap ×2.
    assert black["spend_threshold_cents"] == 100_000
    assert black["sla_hours"] == 24
    assert black["free_appraisals"] == 2 * free["free_appraisals"]
    assert black["dispute_fee_waived"] and black["guarantee_multiplier"] == Decimal("2.00")
    # Diamond: €5,000, faster than Black, reviewed before it, cap ×3, the exclusive template.
    assert diamond["spend_threshold_cents"] == 500_000
    assert diamond["sla_hours"] < black["sla_hours"]
    assert diamond["review_priority"] > black["review_priority"] > free["review_priority"]
    assert diamond["guarantee_multiplier"] == Decimal("3.00")
    assert diamond["report_template"] == "exclusive"
    assert {p["currency"] for p in plans.values()} == {"EUR"}
