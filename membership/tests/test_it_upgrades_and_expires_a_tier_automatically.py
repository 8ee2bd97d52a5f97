"""The automatic upgrade, against the database, with the clock passed in (``now``): a member's
spend earns Black, then Diamond at once, which is held for 12 months; when it runs out the
member falls to what the last 12 months' spend supports; the daily review renews a tier the
spend still supports, and nothing twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from members.models import User
from membership.models import Membership
from membership.selectors.plans import membership_current
from membership.services.plans import spend_record, tier_review, tiers_review_due
from membership.tiers import months_add

pytestmark = pytest.mark.django_db

# Long before the real clock, so spend_record's own review (at the real now) sees none of it.
T0 = datetime(2022, 1, 10, 9, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def _at(months: int) -> datetime:
    return months_add(T0, months)


def _history(member: User) -> list[tuple[str, datetime, datetime | None, str]]:
    rows = Membership.objects.filter(member=member).order_by("starts_at")
    return [(m.plan.code, m.starts_at, m.ends_at, m.source) for m in rows]


def _tier(member: User, now: datetime) -> str | None:
    tier = membership_current(member, now).plan_of("tier")
    return tier.code if tier is not None else None


def test_spend_earns_black_then_diamond_which_lapses_to_black(buyer: User) -> None:
    spend_record(member=buyer, cents=60_000, reference="inv-1", occurred_at=T0 - timedelta(1))
    spend_record(member=buyer, cents=40_000, reference="inv-2", occurred_at=T0)
    assert _history(buyer) == []  # at the real now, all of it is years old

    assert tier_review(member=buyer, now=T0 - SECOND).code is None  # €600 so far
    earned = tier_review(member=buyer, now=T0)
    assert (earned.code, earned.change) == ("black", "earned")

    spend_record(member=buyer, cents=500_000, reference="inv-3", occurred_at=_at(2))
    upgraded = tier_review(member=buyer, now=_at(2))
    assert (upgraded.code, upgraded.change) == ("diamond", "upgraded")

    spend_record(member=buyer, cents=100_000, reference="inv-4", occurred_at=_at(10))
    assert tier_review(member=buyer, now=_at(14) - SECOND).change == "held"
    # At exactly 12 months the Diamond spend leaves the window and the hold runs out together.
    fell = tier_review(member=buyer, now=_at(14))
    assert (fell.code, fell.change, fell.window_cents) == ("black", "fell", 100_000)

    assert _history(buyer) == [
        ("black", T0, _at(2), "earned"),
        ("diamond", _at(2), _at(14), "earned"),
        ("black", _at(14), _at(26), "earned"),
    ]
    assert _tier(buyer, _at(14) - SECOND) == "diamond"
    assert _tier(buyer, _at(14)) == "black"
    assert _tier(buyer, _at(26) - SECOND) == "black"
    assert _tier(buyer, _at(26)) is None


def test_a_review_that_changes_nothing_writes_nothing(buyer: User) -> None:
    spend_record(member=buyer, cents=100_000, reference="inv-1", occurred_at=T0)
    tier_review(member=buyer, now=T0)

    again = tier_review(member=buyer, now=T0 + timedelta(days=30))

    assert again.change == "held" and not again.changed
    assert len(_history(buyer)) == 1


def test_the_daily_review_renews_a_tier_the_spend_still_supports(buyer: User) -> None:
    spend_record(member=buyer, cents=100_000, reference="inv-1", occurred_at=T0)
    tier_review(member=buyer, now=T0)
    spend_record(member=buyer, cents=100_000, reference="inv-2", occurred_at=_at(6))

    assert tiers_review_due(now=_at(12) - SECOND) == 0  # still held: nothing to do
    assert tiers_review_due(now=_at(12)) == 1
    assert tiers_review_due(now=_at(12)) == 0  # run twice, changes once

    assert _history(buyer)[-1] == ("black", _at(12), _at(24), "earned")


def test_the_daily_review_leaves_alone_who_spent_too_little(buyer: User, stranger: User) -> None:
    spend_record(member=buyer, cents=100_000, reference="inv-1", occurred_at=T0)
    spend_record(member=stranger, cents=99_999, reference="inv-2", occurred_at=T0)

    assert tiers_review_due(now=T0) == 1

    assert _tier(buyer, T0) == "black"
    assert _history(stranger) == []


def test_a_spend_recorded_now_upgrades_at_once(buyer: User) -> None:
    spend_record(member=buyer, cents=100_000, reference="inv-1")

    assert _tier(buyer, timezone.now()) == "black"
    [(code, starts_at, ends_at, source)] = _history(buyer)
    assert (code, source) == ("black", "earned")
    assert ends_at == months_add(starts_at, 12)
