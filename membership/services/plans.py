"""Plans over time: the spend that counts towards a tier, the automatic tier review, and staff's
grants.

``tier_review`` applies the pure rule of ``membership/tiers.py`` to one member and writes what
it decides: an earned tier is a ``Membership`` with source "earned", held for 12 months. Billing
calls ``spend_record`` for each paid fee (which reviews the member at once, so an upgrade is
immediate); a daily beat task calls ``tiers_review_due``, which catches the holds that ran out
and the members whose spend supports a tier again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import User
from membership.models import Membership, Plan, Spend
from membership.models.plans import CURRENCY
from membership.selectors.plans import membership_overlapping, tier_thresholds
from membership.tiers import HeldTier, SpendEntry, TierDecision, tier_for, window_start

REFERENCE_MAX = Spend._meta.get_field("reference").max_length or 100


def spend_record(
    *,
    member: User,
    cents: int,
    reference: str,
    occurred_at: datetime | None = None,
    currency: str = CURRENCY,
) -> Spend:
    """Record a paid fee that counts towards a tier, once per ``reference``; a second call with
    the same reference and amount returns the first row and changes nothing."""
    if isinstance(cents, bool) or not isinstance(cents, int) or cents <= 0:
        raise ValidationError(_("A spend is a positive whole number of cents."), code="amount")
    if currency != CURRENCY:
        raise ValidationError(
            _("Only spend in %(currency)s counts towards a tier.") % {"currency": CURRENCY},
            code="currency",
        )
    reference = reference.strip()
    if not reference or len(reference) > REFERENCE_MAX:
        raise ValidationError(
            _("A spend needs a reference of 1 to %(max)d characters.") % {"max": REFERENCE_MAX},
            code="reference",
        )
    now = timezone.now()
    occurred_at = occurred_at or now
    if occurred_at > now:
        raise ValidationError(_("A spend cannot occur in the future."), code="occurred_at")
    with transaction.atomic():
        spend, created = Spend.objects.get_or_create(
            reference=reference,
            defaults={"member": member, "cents": cents, "occurred_at": occurred_at},
        )
        if not created and (spend.member_id != member.pk or spend.cents != cents):
            raise ValidationError(
                _("The reference %(reference)s was recorded for another spend.")
                % {"reference": reference},
                code="reference_reused",
            )
        if created:
            tier_review(member=member, now=now)
    return spend


def spend_reverse(*, reference: str, now: datetime | None = None) -> Spend | None:
    """The fee recorded as ``reference`` was refunded or charged back: it stops counting
    towards a tier. A tier it helped earn is taken back when the spend left at the moment it
    was earned no longer reaches its threshold; the member then holds what the rest of their
    spend supports now. Idempotent; None when no spend has this reference (a fee that was
    never recorded, e.g. a €0 invoice)."""
    now = now or timezone.now()
    with transaction.atomic():
        spend = Spend.objects.filter(reference=reference).first()
        if spend is None:
            return None
        # The same lock as tier_review's: one review of a member at a time.
        list(User.objects.select_for_update().filter(pk=spend.member_id).values_list("pk"))
        spend = Spend.objects.select_for_update().get(pk=spend.pk)
        if spend.reversed_at is not None:
            return spend
        spend.reversed_at = now
        spend.save(update_fields=["reversed_at"])
        earned = (
            Membership.objects.filter(
                member_id=spend.member_id,
                kind=Plan.Kind.TIER,
                source=Membership.Source.EARNED,
                starts_at__gte=spend.occurred_at,
                starts_at__lte=now,
            )
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
            .select_related("plan")
            .first()
        )
        if earned is not None:
            at = earned.starts_at
            left = (
                Spend.objects.counting()
                .filter(
                    member_id=spend.member_id, occurred_at__gt=window_start(at), occurred_at__lte=at
                )
                .aggregate(cents=Sum("cents"))["cents"]
                or 0
            )
            if left < (earned.plan.spend_threshold_cents or 0):
                earned.ends_at = max(now, earned.starts_at + timedelta(microseconds=1))
                earned.save(update_fields=["ends_at"])
                tier_review(member=spend.member, now=earned.ends_at)
    return spend


def tier_review(*, member: User, now: datetime | None = None) -> TierDecision:
    """Give the member the tier the rule decides at ``now``; returns the decision, whose
    ``change`` says what changed ("held" and "none": nothing)."""
    now = now or timezone.now()
    with transaction.atomic():
        # One review of a member at a time: two concurrent spends must not both earn a tier.
        list(User.objects.select_for_update().filter(pk=member.pk).values_list("pk", flat=True))
        last = (
            Membership.objects.filter(member=member, kind=Plan.Kind.TIER, starts_at__lte=now)
            .select_related("plan")
            .order_by("-starts_at")
            .first()
        )
        held = (
            HeldTier(code=last.plan.code, earned_at=last.starts_at, held_until=last.ends_at)
            if last is not None
            else None
        )
        spends = Spend.objects.counting().filter(
            member=member, occurred_at__gt=window_start(now), occurred_at__lte=now
        )
        decision = tier_for(
            [SpendEntry(c, at) for c, at in spends.values_list("cents", "occurred_at")],
            held,
            now,
            tier_thresholds(),
        )
        if decision.changed:
            _tier_write(member=member, decision=decision, last=last, now=now)
    return decision


def _tier_write(
    *,
    member: User,
    decision: TierDecision,
    last: Membership | None,
    now: datetime,
) -> None:
    plan = Plan.objects.get(kind=Plan.Kind.TIER, code=decision.code)
    ends_at = decision.held_until
    # A tier staff granted ahead of time keeps its start: the earned one ends where it begins.
    later = (
        Membership.objects.filter(member=member, kind=Plan.Kind.TIER, starts_at__gt=now)
        .order_by("starts_at")
        .first()
    )
    if later is not None and (ends_at is None or later.starts_at < ends_at):
        ends_at = later.starts_at
    if last is not None and last.starts_at == now:
        # Replaced in the instant it began: the row becomes the new tier.
        last.plan, last.ends_at, last.source = plan, ends_at, Membership.Source.EARNED
        last.save(update_fields=["plan", "kind", "ends_at", "source"])
        return
    if last is not None and (last.ends_at is None or last.ends_at > now):
        last.ends_at = now
        last.save(update_fields=["ends_at"])
    Membership.objects.create(
        member=member,
        plan=plan,
        starts_at=now,
        ends_at=ends_at,
        source=Membership.Source.EARNED,
    )


def tiers_review_due(*, now: datetime | None = None) -> int:
    """Review every member whose last 12 months' spend reaches the lowest tier's threshold:
    those whose hold ran out and who earn a tier again, and any a missed review left behind.
    Returns how many members' tier changed. Safe to run twice: a second run finds nothing to
    change."""
    now = now or timezone.now()
    lowest = Plan.objects.filter(kind=Plan.Kind.TIER, active=True).aggregate(
        cents=Min("spend_threshold_cents")
    )["cents"]
    if lowest is None:
        return 0
    due = (
        Spend.objects.counting()
        .filter(occurred_at__gt=window_start(now), occurred_at__lte=now)
        .values("member")
        .annotate(total=Sum("cents"))
        .filter(total__gte=lowest)
        .values("member")
    )
    changed = 0
    for member in User.objects.filter(pk__in=due).order_by("pk").iterator():
        changed += tier_review(member=member, now=now).changed
    return changed


def membership_span_check(
    *,
    member: User,
    kind: str,
    starts_at: datetime,
    ends_at: datetime | None,
    excluding: int | None = None,
) -> None:
    """Refuse a span that ends before it starts, or overlaps the member's other membership of
    ``kind`` (``excluding`` the row being changed). The admin's forms call it too."""
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError(_("A membership must end after it starts."), code="ends_at")
    if membership_overlapping(
        member=member, kind=kind, starts_at=starts_at, ends_at=ends_at, excluding=excluding
    ):
        raise _overlap(kind)


def _overlap(kind: str) -> ValidationError:
    return ValidationError(
        _("The member already holds a %(kind)s plan in that time.")
        % {"kind": Plan.Kind(kind).label},
        code="overlap",
    )


def membership_grant(
    *,
    member: User,
    plan: Plan,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    source: str = Membership.Source.STAFF,
) -> Membership:
    """Give ``member`` ``plan`` from ``starts_at`` (default: now) until ``ends_at`` (None:
    open-ended). Refused when it would overlap a membership of the same kind."""
    starts_at = starts_at or timezone.now()
    membership_span_check(member=member, kind=plan.kind, starts_at=starts_at, ends_at=ends_at)
    try:
        with transaction.atomic():
            return Membership.objects.create(
                member=member, plan=plan, starts_at=starts_at, ends_at=ends_at, source=source
            )
    except IntegrityError as error:  # a concurrent grant won the race for that time
        raise _overlap(plan.kind) from error


def membership_end(*, membership: Membership, ends_at: datetime | None) -> Membership:
    """Move a membership's end (None: open-ended), within the no-overlap rule."""
    membership_span_check(
        member=membership.member,
        kind=membership.kind,
        starts_at=membership.starts_at,
        ends_at=ends_at,
        excluding=membership.pk,
    )
    try:
        with transaction.atomic():
            membership.ends_at = ends_at
            membership.save(update_fields=["ends_at"])
    except IntegrityError as error:
        raise _overlap(membership.kind) from error
    return membership
