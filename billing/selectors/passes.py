"""Reads of passes: what is on offer and what the member holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from billing.models import Invoice, PassSubscription
from members.models import User
from membership.models import Plan
from membership.selectors.plans import memberships_at


@dataclass(frozen=True)
class PassStatus:
    """The member's pass now: the plan held and until when, whether it renews, and the
    invoice awaiting payment, if any."""

    plan: Plan | None
    ends_at: datetime | None
    subscription: PassSubscription | None
    renews: bool
    due_invoice: Invoice | None


def passes_on_offer() -> QuerySet[Plan]:
    return Plan.objects.filter(kind=Plan.Kind.PASS, active=True).order_by("position", "id")


def pass_status(member: User, now: datetime | None = None) -> PassStatus:
    now = now or timezone.now()
    held = memberships_at(member, now).filter(kind=Plan.Kind.PASS).first()
    subscription = (
        PassSubscription.objects.filter(member=member, ended_at__isnull=True)
        .select_related("plan")
        .first()
    )
    due = (
        subscription.invoices.filter(status=Invoice.Status.DUE).first()
        if subscription is not None
        else None
    )
    return PassStatus(
        plan=held.plan if held is not None else None,
        ends_at=held.ends_at if held is not None else None,
        subscription=subscription,
        renews=bool(subscription and subscription.renews),
        due_invoice=due,
    )


def pass_renews(member: User) -> bool | None:
    """Whether the member's pass renews: None without a live subscription that paid for one.
    Membership's pages ask this through ``pass_renewal_provide`` (billing/apps.py)."""
    subscription = (
        PassSubscription.objects.filter(
            member=member, ended_at__isnull=True, membership__isnull=False
        )
        .only("renews")
        .first()
    )
    return subscription.renews if subscription is not None else None
