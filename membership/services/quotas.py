"""Consuming and giving back appraisal quotas: a pass or one of the period's free appraisals
covering a case's Standard price.

Every write locks the member's counter for the period (``QuotaPeriod``, ``SELECT … FOR
UPDATE``) before it counts, so of 50 cases racing for 2 free appraisals exactly 2 are covered;
the database checks the count (CHECKs and a deferred trigger) whatever the caller does. A case
(by its reference) holds at most one active use; a restore gives back exactly what the use
took, once.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from members.models import User
from membership.models import QuotaPeriod, QuotaSource, QuotaUse
from membership.selectors.plans import membership_current
from membership.selectors.quotas import (
    QuotaRefused,
    cover,
    moment_check,
    pass_holding,
    period_bounds,
    quota_input_check,
)

__all__ = ["QuotaRefused", "quota_consume", "quota_restore"]

TEXT_MAX_LENGTH = 200


def _reference(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > TEXT_MAX_LENGTH:
        raise QuotaRefused(
            "invalid_reference",
            gettext("A case's reference is text of 1 to %(max)d characters.")
            % {"max": TEXT_MAX_LENGTH},
        )
    return value.strip()


def _reason(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > TEXT_MAX_LENGTH:
        raise QuotaRefused(
            "invalid_reason",
            gettext("Say why the case's quota is given back, in 1 to %(max)d characters.")
            % {"max": TEXT_MAX_LENGTH},
        )
    return value.strip()


def _period_locked(member: User, period: str, allowance: int, now: datetime) -> QuotaPeriod:
    """The member's counter for the period around ``now``, created if need be, locked."""
    start, end = period_bounds(period, now)
    # ON CONFLICT DO NOTHING: two first cases of a period create the row once.
    QuotaPeriod.objects.bulk_create(
        [
            QuotaPeriod(
                member=member, period=period, starts_at=start, ends_at=end, allowance=allowance
            )
        ],
        ignore_conflicts=True,
    )
    return QuotaPeriod.objects.select_for_update().get(
        member=member, period=period, starts_at=start
    )


def _active_use(reference: str) -> QuotaUse | None:
    return QuotaUse.objects.filter(reference=reference, restored_at__isnull=True).first()


def _same_case(use: QuotaUse, member: User) -> QuotaUse:
    if use.member_id != member.pk:
        raise QuotaRefused(
            "reference_reused", gettext("This reference belongs to another member's case.")
        )
    return use


@transaction.atomic
def quota_consume(
    *,
    member: User,
    reference: str,
    service_tier: str,
    base_cents: int,
    standard_cents: int,
    now: datetime | None = None,
) -> QuotaUse | None:
    """Cover the case ``reference`` with the member's pass or one of this period's free
    appraisals, or return None when nothing covers it now (no pass, free appraisals used up,
    pass expired: ``appraisal_offer`` says which in words).

    Idempotent by reference: while the case's use is active, a second call returns it as it
    is (to change the service tier, restore it and consume again).
    """
    reference = _reference(reference)
    quota_input_check(
        service_tier=service_tier, base_cents=base_cents, standard_cents=standard_cents
    )
    now = moment_check(now)
    benefits = membership_current(member, now)
    counter = _period_locked(member, benefits.free_appraisals_period, benefits.free_appraisals, now)
    existing = _active_use(reference)
    if existing is not None:
        return _same_case(existing, member)
    offer = cover(
        member=member,
        benefits=benefits,
        used=counter.used,
        base_cents=base_cents,
        standard_cents=standard_cents,
        now=now,
    )
    if not offer.covered_by:
        return None
    try:
        # A savepoint: if the insert loses a race, the count it took rolls back with it.
        with transaction.atomic():
            if offer.covered_by == QuotaSource.FREE:
                # The allowance follows the member's plans now (a tier earned mid-month raises
                # it), never below what is used.
                counter.allowance = max(benefits.free_appraisals, counter.used)
                counter.used += 1
                counter.save(update_fields=["allowance", "used"])
            return QuotaUse.objects.create(
                member=member,
                quota_period=counter,
                reference=reference,
                source=offer.covered_by,
                membership=pass_holding(benefits) if offer.covered_by == QuotaSource.PASS else None,
                service_tier=service_tier,
                base_cents=base_cents,
                covered_cents=offer.covered_cents,
                created_at=now,
            )
    except IntegrityError:
        # The same case consumed at the same moment under another period's lock (across a
        # period boundary): the unique index kept the other one.
        existing = _active_use(reference)
        if existing is None:
            raise
        return _same_case(existing, member)


@transaction.atomic
def quota_restore(*, reference: str, reason: str) -> QuotaUse | None:
    """Give back what the case's active use covered: a free appraisal returns to the period it
    came from; a pass use is only marked. ``reason`` is recorded (e.g. "cancelled",
    "inconclusive"). Idempotent: a restored case returns its restored use unchanged; an unknown
    reference returns None.
    """
    reference = _reference(reference)
    reason = _reason(reason)
    active = _active_use(reference)
    if active is not None:
        # The period row first, as quota_consume does, so the two can't deadlock.
        counter = QuotaPeriod.objects.select_for_update().get(pk=active.quota_period_id)
        use = (
            QuotaUse.objects.select_for_update()
            .filter(pk=active.pk, restored_at__isnull=True)
            .first()
        )
        if use is not None:
            if use.source == QuotaSource.FREE:
                counter.used -= 1
                counter.save(update_fields=["used"])
            use.restored_at = timezone.now()
            use.restore_reason = reason
            use.save(update_fields=["restored_at", "restore_reason"])
            return use
    return QuotaUse.objects.filter(reference=reference).order_by("-restored_at", "-id").first()
