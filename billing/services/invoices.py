"""Issuing, paying, voiding and refunding invoices, and the money ledger they write.

Every write locks what it changes first: issuing locks the member (one invoice per reference,
even for a double click), settling, voiding and refunding lock the invoice row, so a payment
webhook racing a staff click settles once. The ledger's own guarantees (append-only, one entry
per reference, refunds within payments) are in the database (billing/models/ledger.py).

Points are a discount, never cash: they are spent under the invoice's number when it is issued
and given back when it is voided or refunded; a refund pays back only the money paid.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from billing.events import InvoicePaid, InvoiceRefunded, InvoiceVoided
from billing.models import Invoice, InvoiceLine, LedgerEntry, PassSubscription
from billing.models.invoices import CURRENCY
from billing.providers import provider_get
from events.services import event_emit
from members.models import User
from membership.models import Membership, Plan
from membership.services.plans import (
    membership_end,
    membership_grant,
    spend_record,
    spend_reverse,
)
from membership.services.points import PointsRefused, points_restore, points_spend
from membership.tiers import months_add

REFERENCE_MAX = Invoice._meta.get_field("reference").max_length or 200
DESCRIPTION_MAX = InvoiceLine._meta.get_field("description").max_length or 300
REASON_MAX = Invoice._meta.get_field("void_reason").max_length or 500
# Far above any fee or pass, far below the column: a typo of three extra zeros is refused.
CENTS_MAX = 100_000_000
# The statuses that hold a reference (the partial unique constraint's, for a case's fee): a
# case's refunded fee can be invoiced again; a refunded pass or dispute fee can't.
_LIVE = {
    True: [Invoice.Status.DUE, Invoice.Status.PAID],
    False: [Invoice.Status.DUE, Invoice.Status.PAID, Invoice.Status.REFUNDED],
}

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LineInput:
    description: str
    cents: int  # negative for a credit (what a pass covers)


class BillingRefused(Exception):
    """A billing write that is refused; nothing was written. ``code`` is stable for APIs."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@transaction.atomic
def invoice_issue(
    *,
    member: User,
    purpose: str,
    reference: str,
    lines: Sequence[LineInput],
    points: int = 0,
    currency: str = CURRENCY,
    subscription: PassSubscription | None = None,
    plan: Plan | None = None,
) -> Invoice:
    """Issue an invoice for ``lines``, less ``points`` spent as a discount.

    Idempotent by ``reference``: the same amounts return the live invoice; different amounts
    void a due one and issue anew (and are refused for one already paid or refunded, which is
    returned as it is for the same amounts: check its status). A €0 invoice (a case a pass
    covers) is paid at once. ``subscription`` is for pass invoices (``pass_checkout``) only;
    ``plan`` is the pass it buys (the subscription's plan unless given), which its payment
    grants whatever the subscription has moved to since. A case's fee invoice that was
    refunded is not live: the case can be paid for again, on a new invoice.
    """
    if purpose not in Invoice.Purpose.values:
        raise BillingRefused("invalid_purpose", gettext("Unknown invoice purpose."))
    if currency != CURRENCY:
        raise BillingRefused(
            "invalid_currency",
            gettext("Invoices are in %(currency)s only, not %(given)s.")
            % {"currency": CURRENCY, "given": currency},
        )
    if not isinstance(reference, str) or not reference.strip() or len(reference) > REFERENCE_MAX:
        raise BillingRefused(
            "invalid_reference",
            gettext("An invoice needs a reference of 1 to %(max)d characters.")
            % {"max": REFERENCE_MAX},
        )
    if (purpose == Invoice.Purpose.PASS) != (subscription is not None):
        raise BillingRefused(
            "invalid_purpose", gettext("A pass invoice, and only one, names its subscription.")
        )
    if subscription is not None:
        plan = plan or subscription.plan
    elif plan is not None:
        raise BillingRefused("invalid_purpose", gettext("Only a pass invoice names a pass."))
    checked = _lines_check(lines)
    subtotal = sum(line.cents for line in checked)
    if subtotal < 0:
        raise BillingRefused("negative_total", gettext("An invoice's total cannot be below zero."))
    discount = _discount(points, subtotal)

    # One issue per member at a time: a double click can't make two invoices.
    member_lock(member.pk)
    live = (
        Invoice.objects.select_for_update()
        .filter(reference=reference)
        .filter(status__in=_LIVE[purpose == Invoice.Purpose.APPRAISAL])
        .first()
    )
    if live is not None:
        if live.member_id != member.pk or live.purpose != purpose:
            raise BillingRefused(
                "reference_reused",
                gettext("The reference %(reference)s belongs to another invoice.")
                % {"reference": reference},
            )
        same = (live.subtotal_cents, live.points_used, live.plan_id) == (
            subtotal,
            points,
            plan.pk if plan is not None else None,
        )
        if same:
            return live
        if live.status != Invoice.Status.DUE:
            raise BillingRefused(
                "already_paid",
                gettext("Invoice %(number)s for this was already paid.") % {"number": live.number},
            )
        invoice_void(invoice=live, reason=gettext("Replaced by a new invoice for a new amount."))

    now = timezone.now()
    invoice = Invoice.objects.create(
        number=_number_next(now),
        member=member,
        purpose=purpose,
        reference=reference,
        currency=currency,
        subtotal_cents=subtotal,
        points_used=points,
        discount_cents=discount,
        total_cents=subtotal - discount,
        provider=Invoice.Provider.INVOICE,
        issued_at=now,
        due_at=now + timedelta(days=settings.BILLING_DUE_DAYS),
        subscription=subscription,
        plan=plan,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(invoice=invoice, position=i, description=line.description, cents=line.cents)
        for i, line in enumerate(checked, start=1)
    )
    if points:
        try:
            points_spend(member=member, points=points, reference=invoice.number)
        except PointsRefused as refused:
            raise BillingRefused(refused.code, refused.message) from refused
    if invoice.total_cents == 0:
        invoice = invoice_settle(invoice=invoice)
    return invoice


def checkout_start(*, invoice: Invoice, success_url: str, cancel_url: str) -> str | None:
    """Start paying a due invoice with the configured provider: the URL to send the member to
    (Stripe Checkout), or None in invoice mode (the invoice stays due; staff mark it paid)."""
    if invoice.status != Invoice.Status.DUE:
        raise BillingRefused("not_due", gettext("This invoice is not awaiting payment any more."))
    return provider_get().checkout_start(invoice, success_url, cancel_url)


@transaction.atomic
def invoice_settle(
    *,
    invoice: Invoice,
    provider_payment: str = "",
    paid_by: User | None = None,
    at: datetime | None = None,
) -> Invoice:
    """Make a due invoice paid, whoever says so (the provider's webhook, staff, a €0 total):
    the payment on the ledger, the tier's spend, the pass it buys, and ``InvoicePaid``.
    Settling a paid (or refunded) invoice again changes nothing."""
    locked = _invoice_locked(invoice)
    if locked.status in (Invoice.Status.PAID, Invoice.Status.REFUNDED):
        return locked
    if locked.status == Invoice.Status.VOID:
        raise BillingRefused(
            "invoice_void",
            gettext("Invoice %(number)s was cancelled and can't be paid.")
            % {"number": locked.number},
        )
    now = timezone.now()
    at = min(at or now, now)
    locked.mark_paid(at=at, provider_payment=provider_payment, paid_by=paid_by)
    if locked.total_cents:
        LedgerEntry.objects.create(
            member_id=locked.member_id,
            invoice=locked,
            kind=LedgerEntry.Kind.PAYMENT,
            cents=locked.total_cents,
            reference=f"payment:{locked.number}",
            note=provider_payment,
        )
        spend_record(
            member=locked.member, cents=locked.total_cents, reference=locked.number, occurred_at=at
        )
    if locked.purpose == Invoice.Purpose.PASS:
        _pass_grant(locked, at)
    event_emit(InvoicePaid.of(locked))
    return locked


def invoice_mark_paid(*, invoice: Invoice, staff: User) -> Invoice:
    """Staff record that a due invoice was paid by transfer (invoice mode; the admin action)."""
    if not staff.has_perm("billing.settle_invoice"):
        raise BillingRefused("forbidden", gettext("You may not mark invoices paid."))
    if invoice.provider != Invoice.Provider.INVOICE:
        raise BillingRefused(
            "paid_by_provider",
            gettext("Invoice %(number)s is paid by card; its payment arrives from %(provider)s.")
            % {"number": invoice.number, "provider": invoice.get_provider_display()},
        )
    if invoice.status != Invoice.Status.DUE and invoice.status != Invoice.Status.PAID:
        raise BillingRefused(
            "not_due",
            gettext("Invoice %(number)s is %(status)s and can't be marked paid.")
            % {"number": invoice.number, "status": invoice.get_status_display()},
        )
    return invoice_settle(invoice=invoice, paid_by=staff)


@transaction.atomic
def invoice_void(*, invoice: Invoice, reason: str, session_closed: bool = False) -> Invoice:
    """Cancel a due invoice and give back its points. Voiding a void one changes nothing.

    The provider's side is closed first (Stripe's Checkout Session expired), so an old
    session can't be paid later at a stale price. Refused, with nothing changed, when the
    provider can't be reached, or says the session was already paid (its webhook settles
    the invoice). ``session_closed``: the provider said the session is closed already (its
    ``checkout.session.expired`` webhook), so it isn't asked."""
    reason = _reason(reason)
    locked = _invoice_locked(invoice)
    if locked.status == Invoice.Status.VOID:
        return locked
    if locked.status != Invoice.Status.DUE:
        raise BillingRefused(
            "not_due",
            gettext("Invoice %(number)s is %(status)s; only a due invoice can be voided.")
            % {"number": locked.number, "status": locked.get_status_display()},
        )
    if locked.provider_session and not session_closed:
        # Inside the transaction, before any write: a refusal leaves everything as it was.
        provider_get(locked.provider).session_expire(locked)
    locked.mark_void(at=timezone.now(), reason=reason)
    if locked.points_used:
        points_restore(member=locked.member, reference=locked.number)
    event_emit(InvoiceVoided.of(locked))
    return locked


@transaction.atomic
def invoice_refund(*, invoice: Invoice, reason: str) -> Invoice:
    """Refund a paid invoice in full: the money paid goes back (through its provider), the
    points come back to the member's points account, a pass it bought ends. Refunding a
    refunded invoice changes nothing."""
    reason = _reason(reason)
    locked = _invoice_locked(invoice)
    if locked.status == Invoice.Status.REFUNDED:
        return locked
    if locked.status != Invoice.Status.PAID:
        raise BillingRefused(
            "not_paid",
            gettext("Invoice %(number)s is %(status)s; only a paid invoice can be refunded.")
            % {"number": locked.number, "status": locked.get_status_display()},
        )
    now = timezone.now()
    reference = f"refund:{locked.number}"
    refund_id = ""
    if locked.total_cents:
        # Last, inside the transaction: if the provider refuses, nothing here is saved.
        refund_id = provider_get(locked.provider).refund(locked, reference)
        LedgerEntry.objects.create(
            member_id=locked.member_id,
            invoice=locked,
            kind=LedgerEntry.Kind.REFUND,
            cents=locked.total_cents,
            reference=reference,
            note=refund_id or reason,
        )
    invoice_refunded_record(invoice=locked, reason=reason, at=now)
    return locked


def invoice_refunded_record(*, invoice: Invoice, reason: str, at: datetime) -> None:
    """What a full refund does besides moving the money, wherever it was made (here, or in the
    provider's dashboard, which a webhook reports): the invoice is refunded, its points come
    back, a pass it bought ends, and subscribers hear of it. The caller holds the member and
    the invoice locked and has written the ledger's refund entries. The fee stops counting
    towards a tier; a refunded pass stops renewing."""
    invoice.mark_refunded(at=at, reason=reason)
    if invoice.points_used:
        points_restore(member=invoice.member, reference=invoice.number)
    spend_reverse(reference=invoice.number, now=at)
    if invoice.membership is not None:
        _pass_end(invoice.membership, at)
    if invoice.subscription_id is not None:
        _subscription_end(invoice.subscription_id, at)
    event_emit(InvoiceRefunded.of(invoice))


@transaction.atomic
def payout_record(*, member: User, cents: int, reference: str, reason: str) -> LedgerEntry:
    """Record money paid out to a member (a dispute's compensation). Idempotent by
    ``reference``: the same payout again returns the first entry."""
    if isinstance(cents, bool) or not isinstance(cents, int) or not 0 < cents <= CENTS_MAX:
        raise BillingRefused(
            "invalid_amount", gettext("A payout is a positive whole number of cents.")
        )
    if not isinstance(reference, str) or not reference.strip() or len(reference) > REFERENCE_MAX:
        raise BillingRefused(
            "invalid_reference",
            gettext("A payout needs a reference of 1 to %(max)d characters.")
            % {"max": REFERENCE_MAX},
        )
    reason = _reason(reason)
    reference = f"payout:{reference}"
    try:
        with transaction.atomic():
            return LedgerEntry.objects.create(
                member=member,
                kind=LedgerEntry.Kind.PAYOUT,
                cents=cents,
                reference=reference,
                note=reason,
            )
    except IntegrityError:
        entry = LedgerEntry.objects.get(reference=reference)
        if entry.member_id != member.pk or entry.cents != cents or entry.kind != "payout":
            raise BillingRefused(
                "reference_reused",
                gettext("That reference was already used for a different payout."),
            ) from None
        return entry


def member_lock(member_id: int) -> None:
    """Every write here locks the member first, then the invoice, then (in membership) the
    points account: one order, so a payment racing a re-issue can't deadlock."""
    list(User.objects.select_for_update().filter(pk=member_id).values_list("pk", flat=True))


def _invoice_locked(invoice: Invoice) -> Invoice:
    """The invoice read again under lock, its member locked first (``member_lock``'s order)."""
    member_lock(invoice.member_id)
    return Invoice.objects.select_for_update().get(pk=invoice.pk)


def _number_next(now: datetime) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('billing_invoice_number')")
        (value,) = cursor.fetchone()
    return f"INV-{timezone.localtime(now).year}-{value:06d}"


def _lines_check(lines: Sequence[LineInput]) -> list[LineInput]:
    if not lines:
        raise BillingRefused("no_lines", gettext("An invoice needs at least one line."))
    checked = []
    for line in lines:
        cents = line.cents
        if isinstance(cents, bool) or not isinstance(cents, int) or abs(cents) > CENTS_MAX:
            raise BillingRefused(
                "invalid_amount", gettext("An invoice line is a whole number of cents.")
            )
        description = (line.description or "").strip()
        if not description or len(description) > DESCRIPTION_MAX:
            raise BillingRefused(
                "invalid_line",
                gettext("An invoice line needs a description of 1 to %(max)d characters.")
                % {"max": DESCRIPTION_MAX},
            )
        checked.append(LineInput(description=description, cents=cents))
    return checked


def _discount(points: int, subtotal: int) -> int:
    """What ``points`` take off ``subtotal``; refused above the cap."""
    if isinstance(points, bool) or not isinstance(points, int) or points < 0:
        raise BillingRefused("invalid_points", gettext("Points are a whole number, zero or more."))
    discount = points * settings.POINTS_CENT_VALUE
    cap = subtotal * settings.POINTS_MAX_DISCOUNT_PERCENT // 100
    if discount > cap:
        raise BillingRefused(
            "points_over_cap",
            gettext("Points can pay at most %(percent)d%% of an invoice: %(max)d points here.")
            % {
                "percent": settings.POINTS_MAX_DISCOUNT_PERCENT,
                "max": cap // settings.POINTS_CENT_VALUE,
            },
        )
    return discount


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise BillingRefused(
            "invalid_reason",
            gettext("Give a reason of 1 to %(max)d characters.") % {"max": REASON_MAX},
        )
    return reason


def _pass_grant(invoice: Invoice, at: datetime) -> None:
    """Grant the pass a paid pass invoice buys: from ``at``, or from the end of the pass the
    member holds, for one billing interval; the subscription follows it."""
    # A CHECK holds a pass invoice to its subscription.
    assert invoice.subscription_id is not None
    subscription = PassSubscription.objects.select_for_update().get(pk=invoice.subscription_id)
    # The pass this invoice was issued for, not the one the subscription has moved to since.
    plan = invoice.plan
    if plan is None:
        raise BillingRefused(
            "unknown_pass",
            gettext("Invoice %(number)s doesn't say which pass it buys.")
            % {"number": invoice.number},
        )
    last = (
        Membership.objects.filter(member_id=invoice.member_id, kind=Plan.Kind.PASS)
        .filter(ends_at__gt=at)
        .order_by("-ends_at")
        .first()
    )
    starts_at = last.ends_at if last is not None and last.ends_at is not None else at
    try:
        membership = membership_grant(
            member=invoice.member,
            plan=plan,
            starts_at=starts_at,
            ends_at=interval_after(starts_at, plan.billing_interval),
            source=Membership.Source.PURCHASE,
        )
    except ValidationError as error:
        raise BillingRefused("pass_overlap", " ".join(error.messages)) from error
    Invoice.objects.filter(pk=invoice.pk).update(membership=membership)
    invoice.membership = membership
    subscription.membership = membership
    subscription.plan = plan
    subscription.save(update_fields=["membership", "plan", "updated_at"])


def _subscription_end(subscription_id: int, at: datetime) -> None:
    """A refunded pass doesn't renew: its subscription ends, and a renewal invoice not yet
    paid is voided. A renewal whose card session can't be closed now stays due for staff to
    void (logged); the refund is recorded regardless."""
    subscription = PassSubscription.objects.select_for_update().get(pk=subscription_id)
    for due in subscription.invoices.filter(status=Invoice.Status.DUE):
        try:
            with transaction.atomic():
                invoice_void(invoice=due, reason=gettext("The pass was refunded."))
        except BillingRefused as refusal:
            logger.warning("renewal %s of a refunded pass left due: %s", due.number, refusal)
    if subscription.ended_at is not None:
        return
    subscription.renews, subscription.cancelled_at = False, subscription.cancelled_at or at
    subscription.ended_at = at
    subscription.save(update_fields=["renews", "cancelled_at", "ended_at", "updated_at"])


def _pass_end(membership: Membership, now: datetime) -> None:
    """A refunded pass stops now; one that had not started yet is cut to nothing."""
    if membership.ends_at is not None and membership.ends_at <= now:
        return
    membership_end(
        membership=membership,
        ends_at=max(now, membership.starts_at + timedelta(microseconds=1)),
    )


def interval_after(moment: datetime, interval: str) -> datetime:
    """``moment`` plus one billing interval (a month or a year, calendar-wise)."""
    return months_add(
        moment, {Plan.Interval.MONTH: 1, Plan.Interval.YEAR: 12}[Plan.Interval(interval)]
    )
