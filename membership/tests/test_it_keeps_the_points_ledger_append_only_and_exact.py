"""The database itself keeps the points ledger: no entry or allocation is ever changed or
deleted, a balance that isn't the sum of its entries can't commit, no balance goes below zero,
and no lot gives more than it holds. These hold for raw SQL too, not only for the services."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from members.models import User
from membership.models import (
    EarnReason,
    PointsAccount,
    PointsAllocation,
    PointsEntry,
    PointsKind,
)
from membership.services.points import points_earn, points_spend
from membership.tests.points_ledger import assert_ledger_exact

pytestmark = pytest.mark.django_db


def _commit_checks() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _refused(write: Callable[[], object]) -> str:
    """Run ``write`` and its commit-time checks in a savepoint; the database's refusal."""
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        write()
        _commit_checks()
    return str(refused.value)


def _spend_by_hand(member: User, lot_reference: str, points: int) -> None:
    """A spend written past the services, as a buggy caller might: the entry, its balance
    change and its allocation, all from one lot."""
    account = PointsAccount.objects.get(member=member)
    lot = PointsEntry.objects.get(account=account, kind=PointsKind.EARNED, reference=lot_reference)
    entry = PointsEntry.objects.create(
        account=account, kind=PointsKind.SPENT, points=-points, reference="by-hand"
    )
    PointsAccount.objects.filter(pk=account.pk).update(balance=F("balance") - points)
    PointsAllocation.objects.create(entry=entry, lot=lot, points=points)


@pytest.fixture
def spent(buyer: User) -> PointsEntry:
    points_earn(member=buyer, points=40, reason=EarnReason.CSAT_ANSWERED, reference="csat-1")
    return points_spend(member=buyer, points=15, reference="fee-1")


def test_no_entry_is_updated_or_deleted_through_the_orm(spent: PointsEntry, buyer: User) -> None:
    # A lot nothing was taken from, so no protected foreign key stops the delete first.
    untouched = points_earn(
        member=buyer, points=5, reason=EarnReason.CSAT_ANSWERED, reference="csat-2"
    )
    assert "append-only" in _refused(
        lambda: PointsEntry.objects.filter(pk=spent.pk).update(points=-1)
    )
    untouched.points = 500
    assert "append-only" in _refused(untouched.save)
    assert "append-only" in _refused(untouched.delete)
    assert "append-only" in _refused(lambda: PointsEntry.objects.filter(pk=untouched.pk).delete())
    assert "append-only" in _refused(
        lambda: PointsAllocation.objects.filter(entry=spent).update(points=F("points") - 1)
    )
    assert "append-only" in _refused(lambda: PointsAllocation.objects.all().delete())
    assert PointsEntry.objects.get(pk=spent.pk).points == -15
    assert assert_ledger_exact(buyer).balance == 30


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE membership_pointsentry SET points = 1000 WHERE kind = 'earned'",
        "DELETE FROM membership_pointsentry WHERE kind = 'spent'",
        "UPDATE membership_pointsallocation SET points = 1",
        "DELETE FROM membership_pointsallocation",
    ],
)
def test_no_entry_is_updated_or_deleted_through_a_cursor(
    spent: PointsEntry, buyer: User, statement: str
) -> None:
    def write() -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement)

    assert "append-only" in _refused(write)
    assert assert_ledger_exact(buyer).balance == 25


def test_an_entry_inserted_without_its_balance_change_fails_at_commit(
    spent: PointsEntry, buyer: User
) -> None:
    account = PointsAccount.objects.get(member=buyer)

    def write() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO membership_pointsentry (account_id, kind, points, reference, reason,"
                " expires_at, created_at) VALUES (%s, 'earned', 1000, 'forged', "
                "'csat_answered', %s, %s)",
                [account.pk, timezone.now(), timezone.now()],
            )

    assert "not the sum of its entries" in _refused(write)
    assert assert_ledger_exact(buyer).balance == 25


def test_a_balance_changed_without_an_entry_fails_at_commit(
    spent: PointsEntry, buyer: User
) -> None:
    assert "not the sum of its entries" in _refused(
        lambda: PointsAccount.objects.filter(member=buyer).update(balance=F("balance") + 500)
    )


def test_no_balance_goes_below_zero(spent: PointsEntry, buyer: User) -> None:
    assert "membership_points_balance_not_negative" in _refused(
        lambda: PointsAccount.objects.filter(member=buyer).update(balance=-1)
    )


def test_no_spend_takes_more_than_the_balance(spent: PointsEntry, buyer: User) -> None:
    # 25 left in the lot and in the balance.
    assert "membership_points_balance_not_negative" in _refused(
        lambda: _spend_by_hand(buyer, "csat-1", 26)
    )


def test_a_lot_gives_no_more_than_it_holds_even_with_the_balance_to_cover_it(
    spent: PointsEntry, buyer: User
) -> None:
    points_earn(member=buyer, points=100, reason=EarnReason.CSAT_ANSWERED, reference="csat-2")

    assert "left of 40" in _refused(lambda: _spend_by_hand(buyer, "csat-1", 26))
    assert assert_ledger_exact(buyer).balance == 125


def test_a_spend_whose_allocations_dont_add_up_fails_at_commit(
    spent: PointsEntry, buyer: User
) -> None:
    account = PointsAccount.objects.get(member=buyer)

    def unallocated() -> None:
        PointsEntry.objects.create(
            account=account, kind=PointsKind.SPENT, points=-5, reference="fee-2"
        )
        PointsAccount.objects.filter(pk=account.pk).update(balance=F("balance") - 5)

    assert "allocations of 0 for -5 points" in _refused(unallocated)


@pytest.mark.parametrize(
    ("kind", "points", "reason", "expires", "constraint"),
    [
        (PointsKind.SPENT, 5, "", False, "sign_matches_kind"),
        (PointsKind.EARNED, -5, "csat_answered", True, "sign_matches_kind"),
        (PointsKind.EARNED, 0, "csat_answered", True, "sign_matches_kind"),
        # A lot without an expiry would never expire: the peers' bug.
        (PointsKind.EARNED, 5, "csat_answered", False, "lot_has_expiry_and_reason"),
        (PointsKind.EARNED, 5, "", True, "lot_has_expiry_and_reason"),
        (PointsKind.RESTORED, 5, "", False, "restore_names_its_spend"),
    ],
)
def test_an_entry_must_be_the_shape_its_kind_says(  # noqa: PLR0913
    buyer: User, kind: str, points: int, reason: str, expires: bool, constraint: str
) -> None:
    account = PointsAccount.objects.create(member=buyer)
    assert constraint in _refused(
        lambda: PointsEntry.objects.create(
            account=account,
            kind=kind,
            points=points,
            reason=reason,
            reference="x",
            expires_at=timezone.now() if expires else None,
        )
    )


@pytest.mark.django_db(transaction=True)
def test_a_forged_entry_is_refused_by_the_commit_itself(buyer: User) -> None:
    points_earn(member=buyer, points=10, reason=EarnReason.CSAT_ANSWERED, reference="csat-1")
    account = PointsAccount.objects.get(member=buyer)

    with pytest.raises(IntegrityError, match="not the sum of its entries"):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO membership_pointsentry (account_id, kind, points, reference,"
                    " reason, expires_at, created_at) VALUES (%s, 'earned', 1000, 'forged',"
                    " 'csat_answered', now() + interval '1 year', now())",
                    [account.pk],
                )
            # Nothing is wrong until the transaction tries to commit.

    assert not PointsEntry.objects.filter(reference="forged").exists()
    assert assert_ledger_exact(buyer).balance == 10
