"""Reads of plans: what a member holds now and the benefits that follow, and the tier rule in
words with the member's progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from authplatform.localized import localized_day
from members.models import User
from membership.models import Membership, Plan, Spend
from membership.money import cents_format
from membership.tiers import WINDOW_MONTHS, Threshold, window_start

PERIODS_A_YEAR = {Plan.Period.MONTH: 12, Plan.Period.YEAR: 1}


@dataclass(frozen=True)
class Benefits:
    """What a member's plans give them now: for each benefit, the best any of them offers."""

    memberships: tuple[Membership, ...]  # the free, pass and tier rows that hold now
    plans: tuple[Plan, ...]  # the plans that apply, Free (the base everyone has) first
    free_appraisals: int
    free_appraisals_period: str  # Plan.Period
    unlimited_basic_appraisals: bool
    review_priority: int  # higher is sooner
    sla_hours: int | None  # None: the service tier's own turnaround
    dispute_fee_waived: bool
    guarantee_multiplier: Decimal
    report_template: str  # Plan.Template

    def plan_of(self, kind: str) -> Plan | None:
        return next((p for p in self.plans if p.kind == kind), None)


def memberships_at(member: User, now: datetime) -> QuerySet[Membership]:
    """The member's memberships that hold at ``now`` (at most one of each kind)."""
    return (
        Membership.objects.filter(member=member, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .select_related("plan")
        .order_by("kind")
    )


def membership_current(member: User, now: datetime | None = None) -> Benefits:
    """The member's plans at ``now`` and their combined benefits. Everyone has Free (the
    first active free plan) unless a free-kind membership names another; a plan staff have
    since deactivated still applies to the memberships that hold it."""
    now = now or timezone.now()
    memberships = tuple(memberships_at(member, now))
    plans = [m.plan for m in memberships]
    if not any(p.kind == Plan.Kind.FREE for p in plans):
        base = Plan.objects.filter(kind=Plan.Kind.FREE, active=True).first()
        plans += [base] if base is not None else []
    order = [Plan.Kind.FREE, Plan.Kind.PASS, Plan.Kind.TIER]
    plans.sort(key=lambda p: order.index(Plan.Kind(p.kind)))
    most_free = max(
        plans,
        key=lambda p: p.free_appraisals * PERIODS_A_YEAR[Plan.Period(p.free_appraisals_period)],
        default=None,
    )
    slas = [p.sla_hours for p in plans if p.sla_hours is not None]
    exclusive = any(p.report_template == Plan.Template.EXCLUSIVE for p in plans)
    return Benefits(
        memberships=memberships,
        plans=tuple(plans),
        free_appraisals=most_free.free_appraisals if most_free else 0,
        free_appraisals_period=(
            most_free.free_appraisals_period if most_free else Plan.Period.MONTH
        ),
        unlimited_basic_appraisals=any(p.unlimited_basic_appraisals for p in plans),
        review_priority=max((p.review_priority for p in plans), default=0),
        sla_hours=min(slas, default=None),
        dispute_fee_waived=any(p.dispute_fee_waived for p in plans),
        guarantee_multiplier=max((p.guarantee_multiplier for p in plans), default=Decimal("1")),
        report_template=Plan.Template.EXCLUSIVE if exclusive else Plan.Template.STANDARD,
    )


def tier_thresholds() -> tuple[Threshold, ...]:
    """The tiers on offer and what the last 12 months' spend must reach for each."""
    tiers = Plan.objects.filter(kind=Plan.Kind.TIER, active=True)
    return tuple(
        Threshold(code=code, cents=cents)
        for code, cents in tiers.values_list("code", "spend_threshold_cents")
        if cents is not None
    )


def membership_overlapping(
    *,
    member: User,
    kind: str,
    starts_at: datetime,
    ends_at: datetime | None,
    excluding: int | None = None,
) -> bool:
    """Whether the member holds a plan of ``kind`` somewhere in ``[starts_at, ends_at)``."""
    rows = Membership.objects.filter(member=member, kind=kind)
    if excluding is not None:
        rows = rows.exclude(pk=excluding)
    rows = rows.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=starts_at))
    if ends_at is not None:
        rows = rows.filter(starts_at__lt=ends_at)
    return rows.exists()


@dataclass(frozen=True)
class TierRule:
    """The tier rule in words, with the member's progress; the numbers for a page to draw."""

    text: str
    window_cents: int  # spent in the last 12 months
    window_since: datetime
    held: Plan | None
    held_until: datetime | None
    next_tier: Plan | None  # the tier above the one held (the lowest, when none is)
    cents_to_next: int | None


def _spent(member: User, after: datetime, until: datetime) -> int:
    rows = Spend.objects.counting().filter(
        member=member, occurred_at__gt=after, occurred_at__lte=until
    )
    return rows.aggregate(cents=Sum("cents"))["cents"] or 0


def tier_rule_for(member: User, now: datetime | None = None) -> TierRule:
    """The rule (earned by the last 12 months' spend, held for 12 months) and where the member
    stands: e.g. "Spend €1,000.00 in 12 months to reach Black card; you have spent €250.00
    since 6 December 2025."."""
    now = now or timezone.now()
    since = window_start(now)
    spent = _spent(member, since, now)
    tiers = list(
        Plan.objects.filter(kind=Plan.Kind.TIER, active=True).order_by("spend_threshold_cents")
    )
    current = memberships_at(member, now).filter(kind=Plan.Kind.TIER).first()
    held = current.plan if current is not None else None
    floor = (held.spend_threshold_cents or 0) if held is not None else -1
    next_tier = next((t for t in tiers if (t.spend_threshold_cents or 0) > floor), None)

    sentences = [
        _(
            "A tier is earned by what you spend in %(months)d months, and held for "
            "%(months)d months from the day you earn it."
        )
        % {"months": WINDOW_MONTHS}
    ]
    if not tiers:
        sentences.append(_("No tier is offered at the moment."))
    if next_tier is not None:
        sentences.append(
            _(
                "Spend %(threshold)s in %(months)d months to reach %(tier)s; you have spent "
                "%(spent)s since %(since)s."
            )
            % {
                "threshold": cents_format(next_tier.spend_threshold_cents or 0),
                "months": WINDOW_MONTHS,
                "tier": next_tier.local_name,
                "spent": cents_format(spent),
                "since": localized_day(since),
            }
        )
    if current is not None and held is not None:
        if current.ends_at is None:
            sentences.append(_("You hold %(tier)s.") % {"tier": held.local_name})
        else:
            sentences.append(
                _(
                    "You hold %(tier)s until %(until)s; spend %(threshold)s by then to keep it "
                    "(%(spent)s so far)."
                )
                % {
                    "tier": held.local_name,
                    "until": localized_day(current.ends_at),
                    "threshold": cents_format(held.spend_threshold_cents or 0),
                    "spent": cents_format(_spent(member, current.starts_at, now)),
                }
            )
    return TierRule(
        text=" ".join(str(s) for s in sentences),
        window_cents=spent,
        window_since=since,
        held=held,
        held_until=current.ends_at if current is not None else None,
        next_tier=next_tier,
        cents_to_next=(
            max((next_tier.spend_threshold_cents or 0) - spent, 0) if next_tier else None
        ),
    )
