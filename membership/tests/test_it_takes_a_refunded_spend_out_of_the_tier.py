"""A refunded or charged-back fee stops counting towards a tier (``spend_reverse``): paying for
cases and cancelling them for a full refund can't buy a Black card or Diamond. A tier the
reversed spend helped earn is taken back; one the rest of the spend still supports stays."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from members.models import User
from membership.models import Spend
from membership.selectors.plans import membership_current, tier_rule_for
from membership.services.plans import spend_record, spend_reverse

pytestmark = pytest.mark.django_db


def _tier(member: User) -> str | None:
    tier = membership_current(member).plan_of("tier")
    return tier.code if tier is not None else None


def test_a_refund_takes_back_the_tier_it_alone_earned(buyer: User) -> None:
    spend_record(
        member=buyer,
        cents=60_000,
        reference="INV-1",
        occurred_at=timezone.now() - timedelta(days=30),
    )
    spend_record(member=buyer, cents=50_000, reference="INV-2")
    assert _tier(buyer) == "black"  # €1,100 ≥ €1,000

    reversed_spend = spend_reverse(reference="INV-2")
    assert reversed_spend is not None and reversed_spend.reversed_at is not None
    assert _tier(buyer) is None  # €600 left: no tier
    assert tier_rule_for(buyer).window_cents == 60_000


def test_a_tier_the_rest_still_supports_is_kept(buyer: User) -> None:
    spend_record(
        member=buyer,
        cents=120_000,
        reference="INV-1",
        occurred_at=timezone.now() - timedelta(days=30),
    )
    spend_record(member=buyer, cents=10_000, reference="INV-2")
    assert _tier(buyer) == "black"
    spend_reverse(reference="INV-2")
    assert _tier(buyer) == "black"


def test_a_diamond_bought_with_refunded_fees_falls_back_to_black(buyer: User) -> None:
    spend_record(
        member=buyer,
        cents=150_000,
        reference="INV-1",
        occurred_at=timezone.now() - timedelta(days=60),
    )
    spend_record(
        member=buyer,
        cents=400_000,
        reference="INV-2",
        occurred_at=timezone.now() - timedelta(days=1),
    )
    assert _tier(buyer) == "diamond"
    spend_reverse(reference="INV-2")
    assert _tier(buyer) == "black"  # the €1,500 that stays supports Black


def test_reversing_twice_or_an_unknown_reference_changes_nothing(buyer: User) -> None:
    spend_record(member=buyer, cents=50_000, reference="INV-1")
    first = spend_reverse(reference="INV-1")
    again = spend_reverse(reference="INV-1")
    assert first is not None and again is not None and again.reversed_at == first.reversed_at
    assert spend_reverse(reference="INV-404") is None
    assert Spend.objects.counting().count() == 0
