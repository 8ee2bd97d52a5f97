"""The tier rule itself (membership/tiers.py), without a database: a tier is earned by the last
12 months' spend and held for 12 months; a spend counts until, not including, the same moment a
year later, and a hold runs out at that moment too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from membership.tiers import (
    HeldTier,
    SpendEntry,
    Threshold,
    months_add,
    tier_for,
    window_cents,
)

T0 = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
YEAR_LATER = datetime(2027, 3, 15, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
THRESHOLDS = (Threshold("black", 100_000), Threshold("diamond", 500_000))


def _held(code: str, earned_at: datetime = T0) -> HeldTier:
    return HeldTier(code=code, earned_at=earned_at, held_until=months_add(earned_at, 12))


def test_reaching_the_threshold_earns_the_tier_held_for_12_months() -> None:
    decision = tier_for([SpendEntry(100_000, T0)], None, T0, THRESHOLDS)

    assert (decision.code, decision.change) == ("black", "earned")
    assert (decision.earned_at, decision.held_until) == (T0, YEAR_LATER)
    assert decision.changed


def test_one_cent_short_earns_nothing() -> None:
    decision = tier_for([SpendEntry(99_999, T0)], None, T0, THRESHOLDS)

    assert (decision.code, decision.change, decision.window_cents) == (None, "none", 99_999)
    assert not decision.changed


def test_spends_add_up_to_the_highest_tier_they_reach() -> None:
    spends = [SpendEntry(300_000, T0 - timedelta(days=200)), SpendEntry(200_000, T0)]

    assert tier_for(spends, None, T0, THRESHOLDS).code == "diamond"


@pytest.mark.parametrize(
    ("now", "counted"),
    [
        (YEAR_LATER - SECOND, 100_000),  # one second before its anniversary: still counts
        (YEAR_LATER, 0),  # exactly 12 months later: out of the window
        (YEAR_LATER + SECOND, 0),
    ],
)
def test_a_spend_counts_until_exactly_12_months_later(now: datetime, counted: int) -> None:
    spends = [SpendEntry(100_000, T0)]

    assert window_cents(spends, now) == counted
    assert tier_for(spends, None, now, THRESHOLDS).code == ("black" if counted else None)


def test_a_spend_after_now_does_not_count_yet() -> None:
    assert window_cents([SpendEntry(100_000, T0 + SECOND)], T0) == 0


@pytest.mark.parametrize(
    ("now", "code", "change"),
    [
        (YEAR_LATER - SECOND, "black", "held"),
        (YEAR_LATER, None, "none"),  # the hold ends at exactly 12 months
        (YEAR_LATER + SECOND, None, "none"),
    ],
)
def test_a_held_tier_runs_out_exactly_12_months_after_it_was_earned(
    now: datetime, code: str | None, change: str
) -> None:
    # Earned by a spend at T0, which leaves the window the instant the hold runs out.
    decision = tier_for([SpendEntry(100_000, T0)], _held("black"), now, THRESHOLDS)

    assert (decision.code, decision.change) == (code, change)


def test_a_held_tier_is_kept_whatever_the_spend_until_it_runs_out() -> None:
    decision = tier_for([], _held("diamond"), T0 + timedelta(days=300), THRESHOLDS)

    assert (decision.code, decision.change) == ("diamond", "held")
    assert decision.held_until == YEAR_LATER


def test_a_higher_tier_replaces_the_held_one_at_once() -> None:
    now = T0 + timedelta(days=40)
    spends = [SpendEntry(100_000, T0), SpendEntry(400_000, now)]

    decision = tier_for(spends, _held("black"), now, THRESHOLDS)

    assert (decision.code, decision.change) == ("diamond", "upgraded")
    assert (decision.earned_at, decision.held_until) == (now, months_add(now, 12))


def test_spend_during_the_hold_renews_the_tier_when_it_runs_out() -> None:
    spends = [SpendEntry(100_000, T0), SpendEntry(100_000, T0 + timedelta(days=180))]

    decision = tier_for(spends, _held("black"), YEAR_LATER, THRESHOLDS)

    assert (decision.code, decision.change) == ("black", "renewed")
    assert decision.held_until == months_add(YEAR_LATER, 12)


def test_when_a_hold_runs_out_the_member_falls_to_what_the_spend_supports() -> None:
    spends = [SpendEntry(500_000, T0), SpendEntry(150_000, T0 + timedelta(days=200))]

    decision = tier_for(spends, _held("diamond"), YEAR_LATER, THRESHOLDS)

    assert (decision.code, decision.change) == ("black", "fell")
    assert (decision.earned_at, decision.held_until) == (YEAR_LATER, months_add(YEAR_LATER, 12))


def test_a_tier_granted_without_an_end_is_held_until_a_higher_one_is_earned() -> None:
    granted = HeldTier(code="black", earned_at=T0, held_until=None)
    later = T0 + timedelta(days=3000)

    assert tier_for([], granted, later, THRESHOLDS).change == "held"
    upgraded = tier_for([SpendEntry(500_000, later)], granted, later, THRESHOLDS)
    assert (upgraded.code, upgraded.change) == ("diamond", "upgraded")


def test_a_tier_no_longer_offered_gives_way_to_any_tier_the_spend_supports() -> None:
    decision = tier_for([SpendEntry(100_000, T0)], _held("gold"), T0, THRESHOLDS)

    assert (decision.code, decision.change) == ("black", "upgraded")


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2028, 2, 29, 8, tzinfo=UTC), 12, datetime(2029, 2, 28, 8, tzinfo=UTC)),
        (datetime(2026, 1, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2026, 12, 6, 3, tzinfo=UTC), 12, datetime(2027, 12, 6, 3, tzinfo=UTC)),
        (datetime(2026, 1, 10, tzinfo=UTC), -12, datetime(2025, 1, 10, tzinfo=UTC)),
    ],
)
def test_months_are_calendar_months(moment: datetime, months: int, expected: datetime) -> None:
    assert months_add(moment, months) == expected
