"""Reads of the points ledger. Anything that shows, ranks or totals points reads the balance
(less lots past their expiry not yet written off), never a sum of earned entries, so expired
points count nowhere."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from members.models import User
from membership.models import PointsAccount, PointsAllocation, PointsEntry, PointsKind

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# How far ahead "expiring soon" looks unless told.
POINTS_EXPIRING_WITHIN = timedelta(days=30)


class LotRemaining(TypedDict):
    """What ``lots_with_remaining`` adds to each earned lot."""

    remaining: int


def lots_with_remaining(
    entries: QuerySet[PointsEntry],
) -> QuerySet[WithAnnotations[PointsEntry, LotRemaining]]:
    """The earned lots among ``entries``, each with ``remaining``: what it earned, less what
    spends and expiries took from it, plus what restores gave back."""
    moved = (
        PointsAllocation.objects.filter(lot=OuterRef("pk"))
        .values("lot")
        .annotate(
            net=Sum(
                Case(
                    When(entry__kind=PointsKind.RESTORED, then=F("points")),
                    default=-F("points"),
                )
            )
        )
        .values("net")
    )
    return entries.filter(kind=PointsKind.EARNED).annotate(
        remaining=F("points") + Coalesce(Subquery(moved), Value(0))
    )


def lots_overdue(
    entries: QuerySet[PointsEntry], *, now: datetime
) -> QuerySet[WithAnnotations[PointsEntry, LotRemaining]]:
    """Lots past their expiry that still hold points: what expiry has yet to write off."""
    return lots_with_remaining(entries).filter(Q(expires_at__lte=now) & Q(remaining__gt=0))


def lots_spendable(
    entries: QuerySet[PointsEntry], *, now: datetime
) -> QuerySet[WithAnnotations[PointsEntry, LotRemaining]]:
    """Lots that can pay now, in the order spends take from them: soonest expiry first."""
    return (
        lots_with_remaining(entries)
        .filter(Q(expires_at__gt=now) & Q(remaining__gt=0))
        .order_by("expires_at", "pk")
    )


def points_balance(member: User, *, now: datetime | None = None) -> int:
    """The points the member can spend now."""
    account = PointsAccount.objects.filter(member=member).first()
    if account is None:
        return 0
    # The daily expiry run may not have reached a lot whose time is up yet.
    overdue = lots_overdue(account.entries.all(), now=now or timezone.now())
    return account.balance - sum(lot.remaining for lot in overdue)


def points_history(member: User) -> QuerySet[PointsEntry]:
    """The member's entries, newest first, each with the lots it moved points of (and their
    expiry); an earned entry carries its own ``expires_at``."""
    return (
        PointsEntry.objects.filter(account__member=member)
        .prefetch_related("allocations__lot")
        .order_by("-created_at", "-pk")
    )


def points_expiring(
    member: User, *, within: timedelta = POINTS_EXPIRING_WITHIN, now: datetime | None = None
) -> QuerySet[WithAnnotations[PointsEntry, LotRemaining]]:
    """The member's lots that still hold points and expire within ``within``, soonest first."""
    now = now or timezone.now()
    return lots_spendable(PointsEntry.objects.filter(account__member=member), now=now).filter(
        expires_at__lte=now + within
    )
