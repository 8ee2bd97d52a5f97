"""The credit rule (membership/credit.py) as a member meets it: a score from their behaviour,
each signal counted only inside its window and up to its cap, and the ways to improve it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

from membership.credit import BASE, CreditInput, Signal, SignalKind, credit_for

JOINED = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)


def _score(
    *signals: tuple[str, datetime], now: datetime, verified: bool = False
) -> tuple[int, str, dict[str, int], tuple[str, ...]]:
    result = credit_for(
        CreditInput(
            joined_at=JOINED,
            email_verified=verified,
            signals=tuple(Signal(cast(SignalKind, kind), at) for kind, at in signals),
            now=now,
        )
    )
    return result.score, result.band, {f.code: f.effect for f in result.factors}, result.improve


def test_a_new_member_starts_fair_and_is_told_to_verify_their_email() -> None:
    score, band, factors, improve = _score(now=JOINED + timedelta(days=3))
    assert (score, band) == (BASE, "fair")
    assert factors == {"email": 0}
    assert improve == ("verify_email", "age")


def test_a_year_with_a_verified_email_is_excellent_and_age_stops_growing() -> None:
    score, band, factors, improve = _score(now=datetime(2026, 3, 1, tzinfo=UTC), verified=True)
    assert factors == {"age": 12, "email": 8}
    assert (score, band) == (80, "excellent")
    assert improve == ()


def test_age_counts_whole_calendar_months_only() -> None:
    just_before = datetime(2025, 3, 15, 11, 59, tzinfo=UTC)
    assert _score(now=just_before)[2]["age"] == 1
    assert _score(now=just_before + timedelta(minutes=1))[2]["age"] == 2


def test_each_signal_counts_inside_its_window_and_then_stops() -> None:
    flagged = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
    during = _score(("risk_flag", flagged), now=datetime(2026, 6, 1, 8, 59, tzinfo=UTC))
    after = _score(("risk_flag", flagged), now=datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    assert during[2]["risk_flag"] == -10
    assert "risk_flag" not in after[2]
    assert during[0] == after[0] - 10
    # A chargeback counts for two years, not one.
    charged = _score(("chargeback", flagged), now=datetime(2027, 5, 31, tzinfo=UTC))
    assert charged[2]["chargeback"] == -25


def test_repeated_signals_are_capped() -> None:
    now = datetime(2026, 1, 20, tzinfo=UTC)
    many = [("payment_failed", now - timedelta(days=d)) for d in range(1, 9)]
    assert _score(*many, now=now)[2]["payment_failed"] == -20  # 8 × -4, capped at -20
    upheld = [("dispute_upheld", now - timedelta(days=d)) for d in range(1, 6)]
    assert _score(*upheld, now=now)[2]["dispute_upheld"] == 6  # 5 × 2, capped at 6


def test_the_score_stays_between_0_and_100_and_improvements_come_worst_first() -> None:
    now = datetime(2026, 1, 20, tzinfo=UTC)
    bad = [("chargeback", now - timedelta(days=d)) for d in range(1, 3)]
    bad += [("risk_flag", now - timedelta(days=d)) for d in range(1, 5)]
    bad += [("dispute_rejected", now - timedelta(days=1))]
    score, band, factors, improve = _score(*bad, now=now, verified=True)
    assert score == 0 and band == "low"
    assert improve == ("chargeback", "risk_flag", "dispute_rejected")
    assert list(factors) == ["chargeback", "risk_flag", "age", "email", "dispute_rejected"]


def test_a_signal_dated_after_now_does_not_count() -> None:
    now = datetime(2026, 1, 20, tzinfo=UTC)
    assert "risk_flag" not in _score(("risk_flag", now + timedelta(seconds=1)), now=now)[2]
