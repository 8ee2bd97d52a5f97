"""Points expire 24 months after they are earned, whatever they were earned for: the daily run
writes off exactly each lot's unspent remainder, once, and until it runs an overdue lot
counts in no balance and pays for nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from members.models import User
from membership.models import EarnReason, PointsEntry, PointsKind
from membership.selectors.points import points_balance, points_expiring
from membership.services.points import (
    PointsRefused,
    _months_later,
    points_earn,
    points_expire_due,
    points_spend,
)
from membership.tasks import points_expire
from membership.tests.points_ledger import assert_ledger_exact

pytestmark = pytest.mark.django_db

MICROSECOND = timedelta(microseconds=1)


def _earn(member: User, points: int, reference: str, earned_at: datetime) -> PointsEntry:
    return points_earn(
        member=member,
        points=points,
        reason=EarnReason.CONTRIBUTION_ACCEPTED,
        reference=reference,
        earned_at=earned_at,
    )


def _expired(member: User) -> list[tuple[int, int]]:
    return [
        (allocation.lot_id, allocation.points)
        for entry in PointsEntry.objects.filter(account__member=member, kind=PointsKind.EXPIRED)
        for allocation in entry.allocations.all()
    ]


def test_a_lot_expires_at_24_months_and_not_a_moment_before(buyer: User) -> None:
    earned_at = timezone.now() - timedelta(days=400)
    lot = _earn(buyer, 30, "contribution-1", earned_at)
    assert lot.expires_at == _months_later(earned_at, 24)
    assert lot.expires_at.month == earned_at.month and lot.expires_at.day == earned_at.day

    assert points_expire_due(now=lot.expires_at - MICROSECOND) == 0
    assert points_balance(buyer, now=lot.expires_at - MICROSECOND) == 30

    assert points_expire_due(now=lot.expires_at) == 1
    assert _expired(buyer) == [(lot.pk, 30)]
    assert assert_ledger_exact(buyer).balance == 0


def test_a_partly_spent_lot_expires_only_its_remainder_and_a_spent_one_nothing(
    buyer: User,
) -> None:
    now = timezone.now()
    older = _earn(buyer, 10, "contribution-1", now - timedelta(days=500))
    newer = _earn(buyer, 20, "contribution-2", now - timedelta(days=400))
    # Oldest expiry first: all of the older lot, then 5 of the newer.
    points_spend(member=buyer, points=15, reference="fee-1")

    assert points_expire_due(now=older.expires_at) == 0
    assert points_expire_due(now=newer.expires_at) == 1
    assert _expired(buyer) == [(newer.pk, 15)]
    assert assert_ledger_exact(buyer).balance == 0


def test_running_the_expiry_twice_writes_each_remainder_once(buyer: User) -> None:
    lot = _earn(buyer, 12, "contribution-1", timezone.now() - timedelta(days=30))
    later = lot.expires_at + timedelta(days=1)

    assert points_expire_due(now=later) == 1
    assert points_expire_due(now=later) == 0
    assert _expired(buyer) == [(lot.pk, 12)]
    assert_ledger_exact(buyer)


def test_an_overdue_lot_counts_in_no_balance_and_pays_for_nothing_before_the_run(
    buyer: User,
) -> None:
    now = timezone.now()
    # Earned just over 24 months ago: overdue, and the daily run hasn't come by.
    _earn(buyer, 50, "contribution-1", _months_later(now, -24) - timedelta(hours=1))
    _earn(buyer, 5, "contribution-2", now - timedelta(days=1))

    assert points_balance(buyer) == 5
    with pytest.raises(PointsRefused) as refused:
        points_spend(member=buyer, points=6, reference="fee-1")
    assert refused.value.code == "insufficient_points"
    assert "5 available" in refused.value.message
    # The refused spend wrote nothing, not even the expiry it would have written first.
    assert not PointsEntry.objects.exclude(kind=PointsKind.EARNED).exists()

    points_spend(member=buyer, points=5, reference="fee-2")
    # The spend wrote the overdue lot off before paying from the fresh one.
    assert [entry.points for entry in PointsEntry.objects.filter(kind=PointsKind.EXPIRED)] == [-50]
    assert assert_ledger_exact(buyer).balance == 0


def test_the_daily_task_expires_every_members_due_lots(buyer: User, stranger: User) -> None:
    long_ago = _months_later(timezone.now(), -24) - timedelta(days=1)
    _earn(buyer, 7, "contribution-1", long_ago)
    _earn(stranger, 9, "contribution-1", long_ago)
    _earn(stranger, 4, "contribution-2", timezone.now())

    assert points_expire.apply().get() == 2
    assert assert_ledger_exact(buyer).balance == 0
    assert assert_ledger_exact(stranger).balance == 4


def test_what_expires_soon_is_each_lots_remainder(buyer: User) -> None:
    now = timezone.now()
    soon = _earn(buyer, 10, "contribution-1", _months_later(now, -24) + timedelta(days=3))
    _earn(buyer, 10, "contribution-2", now - timedelta(days=10))
    points_spend(member=buyer, points=4, reference="fee-1")

    expiring = list(points_expiring(buyer, within=timedelta(days=30)))
    assert [(lot.pk, lot.remaining) for lot in expiring] == [(soon.pk, 6)]
    assert list(points_expiring(buyer, within=timedelta(days=1))) == []


@pytest.mark.parametrize(
    ("earned", "expires"),
    [
        (datetime(2024, 2, 29, 12), datetime(2026, 2, 28, 12)),
        (datetime(2025, 1, 31, 9), datetime(2027, 1, 31, 9)),
        (datetime(2025, 12, 15), datetime(2027, 12, 15)),
    ],
)
def test_24_months_later_is_the_same_day_or_the_months_last(
    earned: datetime, expires: datetime
) -> None:
    assert _months_later(earned, 24) == expires
