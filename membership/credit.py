"""The credit rule (信用), in one readable place: a member's trust score from their behaviour.

A pure policy like ``membership/tiers.py``: frozen input and output, no database, no
translation. ``credit_for`` returns codes and numbers; ``membership/selectors/credit.py`` reads
the signals and writes the sentences in the reader's language.

What counts, each within its own window so that old behaviour stops counting:

- how long the member has been with us (one point a month, up to a year);
- whether their email address is verified;
- disputes they opened: one that was upheld (the report was wrong) shows good faith, one that
  was rejected costs a little;
- risk flags raised on their cases or account;
- failed payments, and chargebacks (a payment taken back through the bank instead of a refund
  asked of us).

The score is a number from 0 to 100 with a band. Routing and risk may read it (a second expert,
a manual check); **it never touches a verdict**, which only a signed expert decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from membership.tiers import months_add

SignalKind = Literal[
    "dispute_upheld", "dispute_rejected", "risk_flag", "payment_failed", "chargeback"
]
SIGNAL_KINDS: tuple[SignalKind, ...] = (
    "dispute_upheld",
    "dispute_rejected",
    "risk_flag",
    "payment_failed",
    "chargeback",
)
Band = Literal["excellent", "good", "fair", "low"]

BASE = 60
SCORE_MIN, SCORE_MAX = 0, 100
AGE_POINTS_PER_MONTH, AGE_POINTS_MAX = 1, 12
EMAIL_VERIFIED_POINTS = 8
# The lowest score of each band, best first.
BANDS: tuple[tuple[Band, int], ...] = (("excellent", 80), ("good", 65), ("fair", 45), ("low", 0))


@dataclass(frozen=True)
class SignalRule:
    """What each signal of a kind does to the score, for how long, and the most it can do."""

    points_each: int
    window_months: int
    cap: int  # the largest total effect, in the direction of points_each


RULES: dict[SignalKind, SignalRule] = {
    "dispute_upheld": SignalRule(points_each=2, window_months=24, cap=6),
    "dispute_rejected": SignalRule(points_each=-6, window_months=24, cap=30),
    "risk_flag": SignalRule(points_each=-10, window_months=12, cap=40),
    "payment_failed": SignalRule(points_each=-4, window_months=12, cap=20),
    "chargeback": SignalRule(points_each=-25, window_months=24, cap=50),
}


@dataclass(frozen=True)
class Signal:
    kind: SignalKind
    occurred_at: datetime


@dataclass(frozen=True)
class CreditInput:
    joined_at: datetime
    email_verified: bool
    signals: tuple[Signal, ...]
    now: datetime


@dataclass(frozen=True)
class Factor:
    """One line of the explanation: ``code`` is "age", "email" or a signal kind."""

    code: str
    effect: int  # points added to (or, negative, taken from) the score
    count: int  # months as a member for "age"; signals counted for a kind; 1/0 for "email"
    # For a signal kind: when the oldest counted signal stops counting (the score then
    # changes); for "age": when the next month's point comes, while it still grows.
    changes_at: datetime | None


@dataclass(frozen=True)
class CreditResult:
    score: int
    band: Band
    factors: tuple[Factor, ...]  # every factor that moved the score, largest effect first
    improve: tuple[str, ...]  # codes of what the member can do, most useful first


def _months_between(start: datetime, end: datetime) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 if ``end`` is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and months_add(start, months) > end:
        months -= 1
    return max(months, 0)


def _band(score: int) -> Band:
    return next(band for band, lowest in BANDS if score >= lowest)


def _signal_factor(kind: SignalKind, signals: Iterable[Signal], now: datetime) -> Factor | None:
    rule = RULES[kind]
    counted = sorted(
        s.occurred_at
        for s in signals
        if s.kind == kind and months_add(s.occurred_at, rule.window_months) > now >= s.occurred_at
    )
    if not counted:
        return None
    effect = rule.points_each * len(counted)
    effect = max(-rule.cap, effect) if effect < 0 else min(rule.cap, effect)
    return Factor(kind, effect, len(counted), months_add(counted[0], rule.window_months))


def credit_for(data: CreditInput) -> CreditResult:
    """The score for ``data`` with the factors that explain it and what would improve it."""
    months = _months_between(data.joined_at, data.now)
    age_points = min(months * AGE_POINTS_PER_MONTH, AGE_POINTS_MAX)
    growing = age_points < AGE_POINTS_MAX
    factors = [
        Factor(
            "age", age_points, months, months_add(data.joined_at, months + 1) if growing else None
        )
    ]
    factors.append(Factor("email", EMAIL_VERIFIED_POINTS if data.email_verified else 0,
                          int(data.email_verified), None))  # fmt: skip
    for kind in SIGNAL_KINDS:
        factor = _signal_factor(kind, data.signals, data.now)
        if factor is not None:
            factors.append(factor)
    score = max(SCORE_MIN, min(SCORE_MAX, BASE + sum(f.effect for f in factors)))
    improve: list[str] = []
    if not data.email_verified:
        improve.append("verify_email")
    improve += [f.code for f in sorted(factors, key=lambda f: f.effect) if f.effect < 0]
    if growing:
        improve.append("age")
    shown = sorted(
        (f for f in factors if f.effect or f.code == "email"), key=lambda f: -abs(f.effect)
    )
    return CreditResult(score, _band(score), tuple(shown), tuple(improve))
