"""Buying, renewing and cancelling a pass.

A member has at most one live ``PassSubscription`` (a partial unique constraint). Checking out
issues the invoice for its next period, once: a double-clicked pay button finds the due one.
Paying it grants the pass (billing/services/invoices.py, ``invoice_settle``); a renewing pass's
next invoice is issued a few days before it ends (``passes_renew_due``, a beat task); a
cancelled pass holds until its end and then simply stops applying.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from billing.models import Invoice, PassSubscription
from billing.services.invoices import (
    BillingRefused,
    LineInput,
    invoice_issue,
    invoice_void,
    member_lock,
)
from members.models import User
from membership.models import Membership, Plan


@transaction.atomic
def pass_checkout(*, member: User, plan: Plan) -> Invoice:
    """The invoice for the member's next period of ``plan``: the due one if there is one (a
    double click), else a new one. Choosing another pass voids the due invoice of the old."""
    if plan.kind != Plan.Kind.PASS or not plan.active:
        raise BillingRefused("not_a_pass", gettext("That pass is not on offer."))
    member_lock(member.pk)
    open_ended = Membership.objects.filter(
        member=member, kind=Plan.Kind.PASS, ends_at__isnull=True
    ).exists()
    if open_ended:
        raise BillingRefused(
            "pass_open_ended",
            gettext("You hold a pass with no end date, so there is nothing to buy."),
        )
    subscription = PassSubscription.objects.filter(member=member, ended_at__isnull=True).first()
    if subscription is None:
        subscription = PassSubscription.objects.create(member=member, plan=plan)
    due = subscription.invoices.filter(status=Invoice.Status.DUE)
    if subscription.plan_id != plan.pk:
        for invoice in due:
            invoice_void(invoice=invoice, reason=gettext("Another pass was chosen."))
        subscription.plan = plan
    subscription.renews, subscription.cancelled_at = True, None
    subscription.save(update_fields=["plan", "renews", "cancelled_at", "updated_at"])
    return _period_invoice(subscription)


@transaction.atomic
def pass_cancel(*, member: User) -> PassSubscription:
    """Turn renewal off: the pass holds until its end, and a renewal invoice not yet paid is
    voided. Refused, with a clear message, without a live pass that renews."""
    member_lock(member.pk)
    subscription = (
        PassSubscription.objects.select_for_update()
        .filter(member=member, ended_at__isnull=True, renews=True)
        .first()
    )
    if subscription is None:
        raise BillingRefused("no_pass", gettext("You have no pass that renews."))
    now = timezone.now()
    for invoice in subscription.invoices.filter(status=Invoice.Status.DUE):
        invoice_void(invoice=invoice, reason=gettext("The member cancelled the pass."))
    subscription.renews, subscription.cancelled_at = False, now
    fields = ["renews", "cancelled_at", "updated_at"]
    if subscription.membership is None:
        # Never paid: nothing holds, so the subscription ends here.
        subscription.ended_at = now
        fields.append("ended_at")
    subscription.save(update_fields=fields)
    return subscription


def passes_renew_due(*, now: datetime | None = None) -> tuple[int, int]:
    """Issue the next invoice of every renewing pass that ends within
    ``PASS_RENEW_DAYS_BEFORE`` days, and end the subscriptions whose pass ran out without
    renewing. Returns (invoices issued, subscriptions ended). Safe to run twice: a pass with a
    due invoice, or already renewed, is not due."""
    now = now or timezone.now()
    horizon = now + timedelta(days=settings.PASS_RENEW_DAYS_BEFORE)
    live = PassSubscription.objects.filter(ended_at__isnull=True, membership__isnull=False)
    renewing = (
        live.filter(renews=True, membership__ends_at__lte=horizon)
        .exclude(invoices__status=Invoice.Status.DUE)
        .filter(plan__active=True, plan__kind=Plan.Kind.PASS)
    )
    issued = 0
    for pk in list(renewing.values_list("pk", flat=True)):
        with transaction.atomic():
            subscription = PassSubscription.objects.select_related("member").get(pk=pk)
            member_lock(subscription.member_id)
            subscription.refresh_from_db()
            membership = subscription.membership
            if not subscription.renews or subscription.ended_at is not None or membership is None:
                continue
            if membership.ends_at is None or membership.ends_at > horizon:
                continue
            if subscription.invoices.filter(status=Invoice.Status.DUE).exists():
                continue
            _period_invoice(subscription)
            issued += 1
    lapsed = live.filter(
        Q(renews=False) | Q(plan__active=False), membership__ends_at__lte=now
    ).exclude(invoices__status=Invoice.Status.DUE)
    ended = 0
    for subscription in lapsed.select_related("membership"):
        ends_at = subscription.membership.ends_at if subscription.membership else now
        ended += PassSubscription.objects.filter(pk=subscription.pk, ended_at__isnull=True).update(
            ended_at=ends_at
        )
    return issued, ended


def _period_invoice(subscription: PassSubscription) -> Invoice:
    """The due invoice of the subscription's next period, or a new one. Periods are numbered
    by the subscription's invoices that weren't voided, so the reference is stable across a
    double click and unique across periods."""
    due = subscription.invoices.filter(status=Invoice.Status.DUE).first()
    if due is not None:
        return due
    period = subscription.invoices.exclude(status=Invoice.Status.VOID).count() + 1
    plan = subscription.plan
    if plan.billing_interval == Plan.Interval.YEAR:
        description = gettext("%(pass)s, one year") % {"pass": plan.local_name}
    else:
        description = gettext("%(pass)s, one month") % {"pass": plan.local_name}
    return invoice_issue(
        member=subscription.member,
        purpose=Invoice.Purpose.PASS,
        reference=f"pass:{subscription.pk}:{period}",
        lines=[LineInput(description=description, cents=plan.price_cents)],
        subscription=subscription,
    )
