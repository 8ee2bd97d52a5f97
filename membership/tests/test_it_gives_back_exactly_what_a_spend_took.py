"""A spend given back (a cancelled case) returns exactly the points it took, to the lots it
took them from, which keep their expiry; once, however often it is asked. Spends take from the
lots that expire first."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from members.models import User
from membership.models import EarnReason, PointsEntry, PointsKind
from membership.selectors.points import lots_with_remaining, points_balance, points_history
from membership.services.points import (
    _months_later,
    points_earn,
    points_expire_due,
    points_restore,
    points_spend,
)
from membership.tests.points_ledger import assert_ledger_exact

pytestmark = pytest.mark.django_db


def _remaining(member: User) -> dict[str, int]:
    return {
        lot.reference: lot.remaining
        for lot in lots_with_remaining(PointsEntry.objects.filter(account__member=member))
    }


@pytest.fixture
def lots(buyer: User) -> list[PointsEntry]:
    now = timezone.now()
    return [
        points_earn(
            member=buyer,
            points=points,
            reason=EarnReason.APPRAISAL_COMPLETED,
            reference=reference,
            earned_at=now - timedelta(days=age),
        )
        for reference, points, age in [("newest", 10, 1), ("oldest", 10, 300), ("middle", 10, 100)]
    ]


def test_a_spend_takes_from_the_lots_that_expire_first(buyer: User, lots: list) -> None:
    spend = points_spend(member=buyer, points=15, reference="fee-1")

    taken = {a.lot.reference: a.points for a in spend.allocations.select_related("lot")}
    assert taken == {"oldest": 10, "middle": 5}
    assert _remaining(buyer) == {"oldest": 0, "middle": 5, "newest": 10}


def test_a_restore_returns_the_points_to_the_same_lots_with_their_expiry(
    buyer: User, lots: list
) -> None:
    expiries = {lot.reference: lot.expires_at for lot in lots}
    spend = points_spend(member=buyer, points=15, reference="fee-1")
    points_spend(member=buyer, points=3, reference="fee-2")

    restored = points_restore(member=buyer, reference="fee-1")

    assert restored.kind == PointsKind.RESTORED and restored.points == 15
    assert restored.restores_id == spend.pk
    assert {(a.lot_id, a.points) for a in restored.allocations.all()} == {
        (a.lot_id, a.points) for a in spend.allocations.all()
    }
    # fee-2 took 3 of the middle lot after fee-1 had taken 5; both of fee-1's lots are back.
    assert _remaining(buyer) == {"oldest": 10, "middle": 7, "newest": 10}
    assert {
        lot.reference: lot.expires_at for lot in PointsEntry.objects.filter(kind="earned")
    } == expiries
    assert assert_ledger_exact(buyer).balance == 27


def test_a_spend_is_given_back_once(buyer: User, lots: list) -> None:
    points_spend(member=buyer, points=15, reference="fee-1")

    first = points_restore(member=buyer, reference="fee-1")
    assert points_restore(member=buyer, reference="fee-1").pk == first.pk
    assert PointsEntry.objects.filter(kind=PointsKind.RESTORED).count() == 1
    assert assert_ledger_exact(buyer).balance == 30


def test_points_given_back_to_a_lot_past_its_expiry_expire_at_once(buyer: User) -> None:
    now = timezone.now()
    lot = points_earn(
        member=buyer,
        points=10,
        reason=EarnReason.CSAT_ANSWERED,
        reference="csat-1",
        earned_at=_months_later(now, -24) + timedelta(milliseconds=1500),
    )
    points_spend(member=buyer, points=7, reference="fee-1")
    # The lot's time runs out (on the real clock: the restore reads it); its remaining 3
    # expire, then the case is cancelled.
    while timezone.now() <= lot.expires_at:
        time.sleep(0.05)
    assert points_expire_due() == 1
    points_restore(member=buyer, reference="fee-1")

    expired = PointsEntry.objects.filter(kind=PointsKind.EXPIRED).order_by("pk")
    assert [(e.points, e.reference) for e in expired] == [
        (-3, f"expiry:{lot.pk}:1"),
        (-7, f"expiry:{lot.pk}:2"),
    ]
    assert points_balance(buyer) == 0
    assert assert_ledger_exact(buyer).balance == 0


def test_the_history_lists_entries_newest_first_with_their_lots(
    buyer: User, lots: list, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    points_spend(member=buyer, points=15, reference="fee-1")
    points_restore(member=buyer, reference="fee-1")

    with django_assert_num_queries(3):
        history = [
            (entry.kind, entry.points, sorted(a.lot.expires_at for a in entry.allocations.all()))
            for entry in points_history(buyer)
        ]

    oldest, middle = lots[1].expires_at, lots[2].expires_at
    assert history == [
        ("restored", 15, [oldest, middle]),
        ("spent", -15, [oldest, middle]),
        ("earned", 10, []),
        ("earned", 10, []),
        ("earned", 10, []),
    ]
