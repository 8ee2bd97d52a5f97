"""Reads of appraisal quotas: what covers a member's next case (``appraisal_offer``) and where
the member stands this period (``quota_usage``).

The rule, in one place (``quota_consume`` applies the same ``_cover``):

- a pass (a plan with unlimited basic appraisals) that holds at that moment covers the
  Standard price of every case, uncounted; it is preferred, so free appraisals stay for later;
- otherwise one of the period's free appraisals covers it, while any are left;
- either way the member pays the rest for Priority or Express (base less the Standard price);
- periods are calendar months or years in the site's time zone (``TIME_ZONE``, UTC today),
  per the plan's ``free_appraisals_period``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from authplatform.errors import Refused
from authplatform.localized import localized_day
from members.models import User
from membership.models import Membership, Plan, QuotaPeriod, QuotaSource, QuotaUse, ServiceTier
from membership.money import cents_format
from membership.selectors.plans import Benefits, membership_current
from membership.tiers import months_add

SERVICE_TIERS = tuple(ServiceTier.values)
# Far above any fee, far below the column's range.
CENTS_MAX = 100_000_000
RECENT_USES = 10


class QuotaRefused(Refused):
    """A quota request that is refused for bad input; nothing was written. ``code`` is stable
    for APIs: ``invalid_tier``, ``invalid_amount``, ``covered_above_price``,
    ``invalid_reference``, ``invalid_reason``, ``reference_reused``, ``invalid_date``."""


@dataclass(frozen=True)
class AppraisalOffer:
    """What the member pays for one case after a pass or free appraisal (before points)."""

    base_cents: int  # the service tier's price for this item
    covered_cents: int  # what a pass or free appraisal covers (the Standard price)
    price_cents: int  # base - covered: what the member pays (before points)
    covered_by: str  # "pass" | "free" | "" (QuotaSource values)
    free_left: int | None  # free appraisals left this period; None with a pass
    reason: str  # translated sentence for the page, e.g. "Covered by your pass."


@dataclass(frozen=True)
class PassHeld:
    """The pass that holds now: its plan and when it ends (None: open-ended)."""

    plan: Plan
    ends_at: datetime | None


@dataclass(frozen=True)
class QuotaUsage:
    """Where a member stands this period, for their page."""

    period: str  # Plan.Period
    period_starts_at: datetime
    period_ends_at: datetime
    allowance: int  # free appraisals this period
    used: int
    left: int
    pass_held: PassHeld | None  # a pass that covers every case now, or None
    recent: tuple[QuotaUse, ...]  # the latest uses, newest first, restored ones included


def quota_input_check(*, service_tier: str, base_cents: int, standard_cents: int) -> None:
    """Refuse an unknown service tier, cents that are not whole numbers from 0, or a Standard
    price above the case's own (a pass would cover more than the case costs)."""
    if service_tier not in SERVICE_TIERS:
        raise QuotaRefused(
            "invalid_tier",
            _("Unknown service tier %(tier)s: choose Standard, Priority or Express.")
            % {"tier": repr(service_tier)[:40]},
        )
    for cents in (base_cents, standard_cents):
        if isinstance(cents, bool) or not isinstance(cents, int) or not 0 <= cents <= CENTS_MAX:
            raise QuotaRefused(
                "invalid_amount", _("A price is a whole number of cents, zero or more.")
            )
    if standard_cents > base_cents:
        raise QuotaRefused(
            "covered_above_price",
            _("The Standard price can't be above the price of the chosen service tier."),
        )


def moment_check(now: datetime | None) -> datetime:
    """``now``, or the present when None; a moment without its time zone is refused."""
    if now is None:
        return timezone.now()
    if not isinstance(now, datetime) or timezone.is_naive(now):
        raise QuotaRefused("invalid_date", _("A moment needs its time zone."))
    return now


def period_bounds(period: str, now: datetime) -> tuple[datetime, datetime]:
    """The calendar month or year around ``now`` in the site's time zone: [start, end)."""
    local = timezone.localtime(now, timezone.get_default_timezone())
    if period == Plan.Period.YEAR:
        start = local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        end = start.replace(year=start.year + 1)
    else:
        start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        end = months_add(start, 1)
    return start, end


def pass_holding(benefits: Benefits) -> Membership | None:
    """The membership that gives unlimited basic appraisals now (a pass), if any."""
    return next((m for m in benefits.memberships if m.plan.unlimited_basic_appraisals), None)


def _pass_ended(member: User, now: datetime) -> Membership | None:
    """The last pass that has ended by ``now``."""
    return (
        Membership.objects.filter(
            member=member, plan__unlimited_basic_appraisals=True, ends_at__lte=now
        )
        .order_by("-ends_at")
        .first()
    )


def _period_word(period: str) -> str:
    return _("this year") if period == Plan.Period.YEAR else _("this month")


def cover(
    *,
    member: User,
    benefits: Benefits,
    used: int,
    base_cents: int,
    standard_cents: int,
    now: datetime,
) -> AppraisalOffer:
    """What covers the case now, given the period's ``used`` free appraisals. Pure but for
    the look-up of an ended pass when nothing covers (for the reason)."""
    period = benefits.free_appraisals_period
    extra = base_cents - standard_cents
    if pass_holding(benefits) is not None:
        reason = (
            _("Covered by your pass.")
            if extra == 0
            else _("Your pass covers the Standard price; you pay %(extra)s for the faster tier.")
            % {"extra": cents_format(extra)}
        )
        return AppraisalOffer(
            base_cents=base_cents,
            covered_cents=standard_cents,
            price_cents=extra,
            covered_by=QuotaSource.PASS,
            free_left=None,
            reason=reason,
        )
    allowance = benefits.free_appraisals
    left = max(allowance - used, 0)
    ended = _pass_ended(member, now)
    ended_text = (
        _("Your pass ended on %(day)s, so it no longer covers your cases.")
        % {"day": localized_day(ended.ends_at)}
        if ended is not None and ended.ends_at is not None
        else ""
    )
    if left > 0:
        covered = (
            _("Covered by one of your free appraisals (%(left)d left %(period)s).")
            if extra == 0
            else _(
                "One of your free appraisals (%(left)d left %(period)s) covers the Standard "
                "price; you pay %(extra)s for the faster tier."
            )
        ) % {"left": left, "period": _period_word(period), "extra": cents_format(extra)}
        return AppraisalOffer(
            base_cents=base_cents,
            covered_cents=standard_cents,
            price_cents=extra,
            covered_by=QuotaSource.FREE,
            free_left=left,
            reason=" ".join(s for s in (ended_text, covered) if s),
        )
    _start, end = period_bounds(period, now)
    if allowance == 0:
        none_left = _("Your plan has no free appraisals.")
    else:
        none_left = _(
            "You have used your %(allowance)d free appraisals %(period)s; more come on %(day)s."
        ) % {"allowance": allowance, "period": _period_word(period), "day": localized_day(end)}
    return AppraisalOffer(
        base_cents=base_cents,
        covered_cents=0,
        price_cents=base_cents,
        covered_by="",
        free_left=0,
        reason=" ".join(s for s in (ended_text, none_left) if s),
    )


def quota_period_at(member: User, period: str, now: datetime) -> QuotaPeriod | None:
    """The member's counter for the period around ``now``, if a case has touched it."""
    start, _end = period_bounds(period, now)
    return QuotaPeriod.objects.filter(member=member, period=period, starts_at=start).first()


def appraisal_offer(
    member: User,
    *,
    service_tier: str,
    base_cents: int,
    standard_cents: int,
    now: datetime | None = None,
) -> AppraisalOffer:
    """What a pass or free appraisal would cover for a case now, and what the member pays;
    reads only. Raises ``QuotaRefused`` for bad input."""
    quota_input_check(
        service_tier=service_tier, base_cents=base_cents, standard_cents=standard_cents
    )
    now = moment_check(now)
    benefits = membership_current(member, now)
    counter = quota_period_at(member, benefits.free_appraisals_period, now)
    return cover(
        member=member,
        benefits=benefits,
        used=counter.used if counter is not None else 0,
        base_cents=base_cents,
        standard_cents=standard_cents,
        now=now,
    )


def quota_uses_of(member: User) -> QuerySet[QuotaUse]:
    """The member's quota uses, newest first."""
    return QuotaUse.objects.filter(member=member).select_related("membership__plan")


def quota_usage(member: User, now: datetime | None = None) -> QuotaUsage:
    """The period's allowance and use, the pass that holds (if any) and the latest uses."""
    now = now or timezone.now()
    benefits = membership_current(member, now)
    period = benefits.free_appraisals_period
    start, end = period_bounds(period, now)
    counter = quota_period_at(member, period, now)
    used = counter.used if counter is not None else 0
    held = pass_holding(benefits)
    return QuotaUsage(
        period=period,
        period_starts_at=start,
        period_ends_at=end,
        allowance=benefits.free_appraisals,
        used=used,
        left=max(benefits.free_appraisals - used, 0),
        pass_held=PassHeld(plan=held.plan, ends_at=held.ends_at) if held is not None else None,
        recent=tuple(quota_uses_of(member)[:RECENT_USES]),
    )
