"""What the member's pages read, each page's data in one call: "My membership", the plans on
offer and the points history. Each reads only the signed-in member's own rows, so no page can
show another member's data, and each costs a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import F, QuerySet, Sum, Window
from django.utils import timezone
from django.utils.translation import gettext

from members.models import User
from membership.models import Membership, Plan, PointsEntry, QuotaUse, ServiceTier
from membership.money import cents_format
from membership.selectors.credit import CreditScore, credit_score
from membership.selectors.plans import Benefits, TierRule, membership_current, tier_rule_for
from membership.selectors.points import (
    LotRemaining,
    lots_spendable,
    points_balance,
    points_expiring,
    points_history,
)
from membership.selectors.quotas import QuotaUsage, quota_usage
from membership.tiers import WINDOW_MONTHS

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# Whether the member's pass renews is known to billing, which sits above membership. Billing
# answers through this hook, set once at start-up (``pass_renewal_provide`` in its
# ``AppConfig.ready``), so membership never imports it. Unset, the page says nothing either way.
PassRenewal = Callable[[User], bool | None]
_pass_renewal: PassRenewal | None = None


def pass_renewal_provide(provider: PassRenewal | None) -> None:
    """Install what answers "does this member's pass renew?" (None: uninstall)."""
    global _pass_renewal
    _pass_renewal = provider


@dataclass(frozen=True)
class QuotaUseRow:
    """One recent case a pass or free appraisal covered, written for the page."""

    use: QuotaUse
    service_tier: str  # the tier's label
    covered: str  # the amount covered, formatted


def _use_row(use: QuotaUse) -> QuotaUseRow:
    tier = ServiceTier(use.service_tier).label if use.service_tier in ServiceTier.values else ""
    return QuotaUseRow(
        use=use, service_tier=str(tier or use.service_tier), covered=cents_format(use.covered_cents)
    )


@dataclass(frozen=True)
class MembershipOverview:
    """Everything "My membership" shows: the plans held, their combined benefits, this
    period's usage, the tier rule with progress, points and the credit score."""

    benefits: Benefits
    pass_held: Membership | None  # the pass membership that holds now
    pass_renews: bool | None  # None: no pass, or nothing tells
    tier_held: Membership | None  # the tier membership that holds now
    usage: QuotaUsage
    recent_uses: tuple[QuotaUseRow, ...]
    tier_rule: TierRule
    points: int  # spendable now
    next_expiry: WithAnnotations[PointsEntry, LotRemaining] | None  # the lot that expires first
    credit: CreditScore

    @property
    def free_plan(self) -> Plan | None:
        return self.benefits.plan_of(Plan.Kind.FREE)

    @property
    def tier_progress_percent(self) -> int:
        """How far the window's spend has come towards the next tier, 0 to 100."""
        target = self.tier_rule.next_tier.spend_threshold_cents if self.tier_rule.next_tier else 0
        if not target:
            return 100
        return min(100, self.tier_rule.window_cents * 100 // target)

    @property
    def tier_left(self) -> str:
        """What the member still has to spend to reach the next tier, written for them."""
        return cents_format(self.tier_rule.cents_to_next or 0)


def membership_overview(member: User, *, now: datetime | None = None) -> MembershipOverview:
    now = now or timezone.now()
    benefits = membership_current(member, now)
    held = {m.kind: m for m in benefits.memberships}
    pass_held = held.get(Plan.Kind.PASS)
    usage = quota_usage(member, now=now)
    return MembershipOverview(
        benefits=benefits,
        pass_held=pass_held,
        pass_renews=(
            _pass_renewal(member) if pass_held is not None and _pass_renewal is not None else None
        ),
        tier_held=held.get(Plan.Kind.TIER),
        usage=usage,
        recent_uses=tuple(_use_row(use) for use in usage.recent),
        tier_rule=tier_rule_for(member, now),
        points=points_balance(member, now=now),
        next_expiry=lots_spendable(
            PointsEntry.objects.filter(account__member=member), now=now
        ).first(),
        credit=credit_score(member, now=now),
    )


@dataclass(frozen=True)
class PlanOffer:
    """A plan on the plans page: its price (or how a tier is earned) in words, and whether the
    reader holds it."""

    plan: Plan
    price: str
    held: bool


def _price(plan: Plan) -> str:
    if plan.kind == Plan.Kind.TIER:
        return gettext("Earned automatically: spend %(threshold)s in %(months)d months") % {
            "threshold": cents_format(plan.spend_threshold_cents or 0),
            "months": WINDOW_MONTHS,
        }
    if plan.kind == Plan.Kind.PASS and plan.billing_interval == Plan.Interval.YEAR:
        return gettext("%(price)s a year") % {"price": cents_format(plan.price_cents)}
    if plan.kind == Plan.Kind.PASS:
        return gettext("%(price)s a month") % {"price": cents_format(plan.price_cents)}
    return gettext("Free of charge")


def plans_on_offer(member: User | None, *, now: datetime | None = None) -> tuple[PlanOffer, ...]:
    """The active plans in the order staff gave them (Free, the passes, then the tiers), each
    marked if ``member`` (None: someone not signed in) holds it now."""
    held = {p.pk for p in membership_current(member, now).plans} if member is not None else set()
    return tuple(
        PlanOffer(plan=plan, price=_price(plan), held=plan.pk in held)
        for plan in Plan.objects.filter(active=True).order_by("position", "id")
    )


@dataclass(frozen=True)
class PointsPage:
    """The points page: the balance, the lots expiring soon and the history (not yet paged)."""

    balance: int
    expiring: list[WithAnnotations[PointsEntry, LotRemaining]]
    history: QuerySet[PointsEntry]  # newest first, each with ``balance_after``


def points_page(member: User, *, now: datetime | None = None) -> PointsPage:
    now = now or timezone.now()
    # The balance after each entry: entries are append-only, so the running sum in the order
    # they were written is the balance the member had at that moment.
    running = Window(Sum("points"), order_by=[F("created_at").asc(), F("pk").asc()])
    return PointsPage(
        balance=points_balance(member, now=now),
        expiring=list(points_expiring(member, now=now)),
        history=points_history(member).annotate(balance_after=running),
    )
