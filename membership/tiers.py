"""The tier rule, in one readable place: a tier is earned by the last 12 months' spend and held
for 12 months from the moment it was earned.

A pure policy like ``appraisals/routing.py``: frozen input and output, no database. The
services read the spends, the held tier and the thresholds, and write what ``tier_for``
decides (membership/services/plans.py).

Every period is half-open, so the boundaries meet without a gap or an overlap:

- a spend counts from the moment it occurred until, not including, the same moment 12 months
  later: at ``now`` the window is ``window_start(now) < occurred_at <= now``;
- a tier earned at ``t`` is held while ``t <= now < t + 12 months``.

At the instant a tier's hold runs out, the spend that earned it leaves the window too: only what
the member spent during the year they held it can keep it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

WINDOW_MONTHS = 12
HOLD_MONTHS = 12

Change = Literal["earned", "upgraded", "renewed", "fell", "held", "none"]


def months_add(moment: datetime, months: int) -> datetime:
    """``moment`` moved by whole calendar months; a day the target month lacks becomes its last
    (29 February + 12 months is 28 February)."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def window_start(now: datetime) -> datetime:
    """The exclusive start of the spend window at ``now``."""
    return months_add(now, -WINDOW_MONTHS)


@dataclass(frozen=True)
class SpendEntry:
    cents: int
    occurred_at: datetime


@dataclass(frozen=True)
class Threshold:
    """A tier and what the window's spend must reach to earn it; the higher threshold is the
    higher tier."""

    code: str
    cents: int


@dataclass(frozen=True)
class HeldTier:
    code: str
    earned_at: datetime
    held_until: datetime | None  # None: granted by staff without an end


@dataclass(frozen=True)
class TierDecision:
    code: str | None  # the tier the member holds after the review; None: no tier
    change: Change
    window_cents: int  # the spend in the window at ``now``
    earned_at: datetime | None = None  # set when a tier is (re-)earned now
    held_until: datetime | None = None

    @property
    def changed(self) -> bool:
        return self.change not in ("held", "none")


def window_cents(spends: Iterable[SpendEntry], now: datetime) -> int:
    start = window_start(now)
    return sum(s.cents for s in spends if start < s.occurred_at <= now)


def tier_supported(cents: int, thresholds: Iterable[Threshold]) -> Threshold | None:
    """The highest tier whose threshold ``cents`` reaches."""
    reached = [t for t in thresholds if cents >= t.cents]
    return max(reached, key=lambda t: t.cents, default=None)


def tier_for(
    spends: Iterable[SpendEntry],
    held: HeldTier | None,
    now: datetime,
    thresholds: Iterable[Threshold],
) -> TierDecision:
    """What the member holds at ``now``, given their spends, the tier they held (if any, even
    one whose hold has run out) and the tiers' thresholds.

    A higher tier than the held one replaces it at once; a held tier is kept until its hold runs
    out, whatever the spend; then the member falls to what the window's spend supports (which
    may be the same tier again: ``renewed``), or to no tier.
    """
    thresholds = tuple(thresholds)
    cents = window_cents(spends, now)
    supported = tier_supported(cents, thresholds)
    ranks = {t.code: t.cents for t in thresholds}
    holding = held is not None and (held.held_until is None or now < held.held_until)

    def earn(change: Change) -> TierDecision:
        assert supported is not None
        return TierDecision(
            code=supported.code,
            change=change,
            window_cents=cents,
            earned_at=now,
            held_until=months_add(now, HOLD_MONTHS),
        )

    if held is not None and holding:
        # A tier staff no longer offer ranks below every offered one: it is kept until it runs
        # out, and any tier the spend supports replaces it.
        if supported is not None and supported.cents > ranks.get(held.code, -1):
            return earn("upgraded")
        return TierDecision(
            code=held.code,
            change="held",
            window_cents=cents,
            earned_at=held.earned_at,
            held_until=held.held_until,
        )
    if supported is None:
        return TierDecision(code=None, change="none", window_cents=cents)
    if held is None:
        return earn("earned")
    if supported.code == held.code:
        return earn("renewed")
    return earn("upgraded" if supported.cents > ranks.get(held.code, -1) else "fell")
