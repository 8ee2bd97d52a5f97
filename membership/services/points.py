"""Earning, spending, expiring and giving back points.

Every write locks the member's account row first (``select_for_update``), so a balance check
and the write that follows it can't interleave with another: of 50 spends racing for one
balance, exactly the affordable ones succeed. Points are never cash and never move between
members; there is no transfer on purpose.
"""

from __future__ import annotations

import calendar
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from authplatform.errors import Refused
from members.models import User
from membership.models import EarnReason, PointsAccount, PointsAllocation, PointsEntry, PointsKind
from membership.selectors.points import lots_overdue, lots_spendable

# Points expire this many months after they are earned (issue 18).
POINTS_LIFETIME_MONTHS = 24
# One entry's ceiling: far above any real award or fee, far below the column's range.
POINTS_MAX_PER_ENTRY = 1_000_000
REFERENCE_MAX_LENGTH = 200


class PointsRefused(Refused):
    """A points write the ledger refuses; nothing was written. ``code`` is stable for APIs."""


@transaction.atomic
def points_earn(
    *, member: User, points: int, reason: str, reference: str, earned_at: datetime | None = None
) -> PointsEntry:
    """Credit ``points`` as a lot that expires 24 months after ``earned_at``.

    Idempotent by ``reference``: a redelivered event returns the lot it earned the first time.
    """
    points = _amount(points)
    reference = _reference(reference)
    if reason not in EarnReason.values:
        raise PointsRefused("invalid_reason", gettext("Points are earned only for a known reason."))
    now = timezone.now()
    earned_at = earned_at or now
    if not isinstance(earned_at, datetime) or timezone.is_naive(earned_at):
        raise PointsRefused(
            "invalid_date", gettext("When points were earned is a moment with its time zone.")
        )
    if earned_at > now:
        raise PointsRefused("earned_in_future", gettext("Points can't be earned in the future."))
    PointsAccount.objects.get_or_create(member=member)
    account = _lock(member)
    assert account is not None  # created just above
    earned = account.entries.filter(kind=PointsKind.EARNED, reference=reference).first()
    if earned is not None:
        if earned.points != points or earned.reason != reason:
            raise _reference_reused()
        return earned
    lot = PointsEntry.objects.create(
        account=account,
        kind=PointsKind.EARNED,
        points=points,
        reason=reason,
        reference=reference,
        expires_at=_months_later(earned_at, POINTS_LIFETIME_MONTHS),
    )
    _balance_add(account, points)
    return lot


@transaction.atomic
def points_spend(*, member: User, points: int, reference: str) -> PointsEntry:
    """Take ``points`` off the member's balance as a discount on the fee named by
    ``reference``, from the lots that expire first. Idempotent by ``reference``."""
    points = _amount(points)
    reference = _reference(reference)
    now = timezone.now()
    account = _lock(member)
    if account is None:
        raise _insufficient(0, points)
    spent = account.entries.filter(kind=PointsKind.SPENT, reference=reference).first()
    if spent is not None:
        if -spent.points != points:
            raise _reference_reused()
        return spent
    # Lots already past their expiry are written off first, so they can't pay for this.
    _expire_overdue(account, now)
    lots = list(lots_spendable(account.entries.all(), now=now))
    available = sum(lot.remaining for lot in lots)
    if available < points:
        raise _insufficient(available, points)
    entry = PointsEntry.objects.create(
        account=account, kind=PointsKind.SPENT, points=-points, reference=reference
    )
    allocations, left = [], points
    for lot in lots:
        taken = min(lot.remaining, left)
        allocations.append(PointsAllocation(entry=entry, lot=lot, points=taken))
        left -= taken
        if not left:
            break
    PointsAllocation.objects.bulk_create(allocations)
    _balance_add(account, -points)
    return entry


@transaction.atomic
def points_restore(*, member: User, reference: str) -> PointsEntry:
    """Give back the spend made under ``reference`` (a cancelled case), to the lots it took
    from, which keep their expiry. Idempotent: a spend is given back once."""
    reference = _reference(reference)
    now = timezone.now()
    account = _lock(member)
    spend = (
        account.entries.filter(kind=PointsKind.SPENT, reference=reference).first()
        if account is not None
        else None
    )
    if account is None or spend is None:
        raise PointsRefused("unknown_spend", gettext("No points were spent under that reference."))
    restored = spend.restorations.first()
    if restored is not None:
        return restored
    entry = PointsEntry.objects.create(
        account=account,
        kind=PointsKind.RESTORED,
        points=-spend.points,
        reference=reference,
        restores=spend,
    )
    PointsAllocation.objects.bulk_create(
        PointsAllocation(entry=entry, lot_id=taken.lot_id, points=taken.points)
        for taken in spend.allocations.all()
    )
    _balance_add(account, -spend.points)
    # What went back to a lot already past its expiry expires at once.
    _expire_overdue(account, now)
    return entry


def points_expire_due(*, now: datetime | None = None) -> int:
    """Write an expiry entry for the unspent remainder of every lot whose time is up; returns
    how many. Safe to run twice: a lot with nothing left is not due."""
    now = now or timezone.now()
    accounts = (
        lots_overdue(PointsEntry.objects.all(), now=now)
        .order_by()
        .values_list("account_id", flat=True)
        .distinct()
    )
    written = 0
    for account_id in list(accounts):
        # One transaction per account: a long run holds each member's lock only briefly.
        with transaction.atomic():
            account = PointsAccount.objects.select_for_update().get(pk=account_id)
            written += len(_expire_overdue(account, now))
    return written


def _expire_overdue(account: PointsAccount, now: datetime) -> list[PointsEntry]:
    """Expire the remainders of the (locked) account's overdue lots, one entry per lot."""
    written = []
    for lot in lots_overdue(account.entries.all(), now=now).order_by("expires_at", "pk"):
        # A lot given points back after it expired expires again: number each time.
        times = PointsAllocation.objects.filter(lot=lot, entry__kind=PointsKind.EXPIRED).count()
        entry = PointsEntry.objects.create(
            account=account,
            kind=PointsKind.EXPIRED,
            points=-lot.remaining,
            reference=f"expiry:{lot.pk}:{times + 1}",
        )
        PointsAllocation.objects.create(entry=entry, lot=lot, points=lot.remaining)
        written.append(entry)
    _balance_add(account, sum(entry.points for entry in written))
    return written


def _lock(member: User) -> PointsAccount | None:
    return PointsAccount.objects.select_for_update().filter(member=member).first()


def _balance_add(account: PointsAccount, points: int) -> None:
    if points:
        PointsAccount.objects.filter(pk=account.pk).update(balance=F("balance") + points)
        account.refresh_from_db(fields=["balance"])


def _amount(points: object) -> int:
    # bool is an int to Python; True points is a bug upstream, not one point.
    if isinstance(points, bool) or not isinstance(points, int):
        raise PointsRefused("invalid_amount", gettext("Points are a whole number."))
    if points <= 0:
        raise PointsRefused("invalid_amount", gettext("Points must be more than zero."))
    if points > POINTS_MAX_PER_ENTRY:
        raise PointsRefused(
            "invalid_amount",
            gettext("At most %(max)d points at a time.") % {"max": POINTS_MAX_PER_ENTRY},
        )
    return points


def _reference(reference: object) -> str:
    if not isinstance(reference, str) or not reference.strip():
        raise PointsRefused("invalid_reference", gettext("A points entry needs a reference."))
    if len(reference) > REFERENCE_MAX_LENGTH:
        raise PointsRefused(
            "invalid_reference",
            gettext("A reference is at most %(max)d characters.") % {"max": REFERENCE_MAX_LENGTH},
        )
    return reference


def _reference_reused() -> PointsRefused:
    return PointsRefused(
        "reference_reused",
        gettext("That reference was already used for a different amount of points."),
    )


def _insufficient(available: int, points: int) -> PointsRefused:
    return PointsRefused(
        "insufficient_points",
        gettext("Not enough points: %(available)d available, %(points)d asked for.")
        % {"available": available, "points": points},
    )


def _months_later(moment: datetime, months: int) -> datetime:
    # The same day of the month, or the month's last day (29 February -> 28 February).
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(
        year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
    )
