"""What every points test checks at its end: the ledger is exact, from the database's own
commit-time checks and from Python."""

from __future__ import annotations

from django.db import connection
from django.db.models import Sum

from members.models import User
from membership.models import PointsAccount, PointsEntry
from membership.selectors.points import lots_with_remaining


def assert_ledger_exact(member: User) -> PointsAccount:
    """Fire the deferred checks now (a test's own transaction never commits), then check the
    balance is the sum of the entries and of the lots' remainders, each within its lot."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    account = PointsAccount.objects.get(member=member)
    total = PointsEntry.objects.filter(account=account).aggregate(total=Sum("points"))["total"]
    lots = list(lots_with_remaining(PointsEntry.objects.filter(account=account)))
    assert account.balance == (total or 0)
    assert account.balance >= 0
    assert all(0 <= lot.remaining <= lot.points for lot in lots)
    assert account.balance == sum(lot.remaining for lot in lots)
    return account
