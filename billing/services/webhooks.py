"""Applying Stripe's signed webhook events to invoices and the money ledger.

Every verified event is recorded once, by its id (a unique constraint), in the transaction
that applies it; a redelivery finds the record and changes nothing. Events about one payment
are applied one at a time: the payment intent's advisory lock, then the member's and the
invoice's row locks, always in that order (billing's services take the last two alike).

Stripe may deliver events in any order, so an invoice only moves forward (due → paid →
refunded, due → void). A payment that completes after its session's expiry voided the
invoice is real money, so it settles the live invoice for the same reference (the void one
stays void). A refund or chargeback that arrives before its payment is kept (``deferred``)
and applied when the payment lands. docs/billing.md (Stripe) has the table.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import stripe
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from billing.models import Invoice, LedgerEntry, PaymentEvent
from billing.services.invoices import (
    BillingRefused,
    LineInput,
    invoice_issue,
    invoice_refunded_record,
    invoice_settle,
    invoice_void,
    member_lock,
)
from membership.models import CreditSignalKind
from membership.services.credit import credit_signal_record
from membership.services.plans import spend_reverse

logger = logging.getLogger(__name__)

IGNORED = PaymentEvent.Outcome.IGNORED
DEFERRED = PaymentEvent.Outcome.DEFERRED

PROVIDER = Invoice.Provider.STRIPE


@dataclass(frozen=True)
class Outcome:
    outcome: str
    detail: str = ""


def stripe_event_apply(*, payload: bytes, signature: str) -> PaymentEvent:
    """Verify ``payload`` against its ``Stripe-Signature`` header and apply it once.

    Raises `BillingRefused` (nothing written) for a missing or wrong signature, a timestamp
    outside ``STRIPE_WEBHOOK_TOLERANCE_SECONDS``, or a body that isn't a Stripe event. A
    replayed event returns an unsaved copy of its record with the outcome ``ignored_replay``
    (its ``detail`` names the first outcome); the stored record is unchanged.
    """
    data = _verified(payload, signature)
    obj: dict[str, Any] = data["data"]["object"]
    intent = _payment_intent(obj)
    with transaction.atomic():
        if intent:
            # Serialises a payment's events even before any invoice knows its intent (a
            # refund that overtakes its payment), so neither misses the other.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                    [f"stripe:payment_intent:{intent}"],
                )
        invoice = _invoice_locked(data["type"], obj, intent)
        record, created = _record(data, invoice)
        if not created:
            return _replay(record)
        result = _apply(record, invoice, obj, intent)
        record.outcome, record.detail = result.outcome, result.detail[:500]
        record.save(update_fields=["invoice", "outcome", "detail"])
    if result.outcome == PaymentEvent.Outcome.REJECTED:
        logger.error(
            "stripe event %s (%s) rejected: %s", record.event_id, record.type, result.detail
        )
    return record


# --- Verification ---------------------------------------------------------------------------


def _verified(payload: bytes, signature: str) -> dict[str, Any]:
    secret = settings.STRIPE_WEBHOOK_SECRET
    tolerance = settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS
    if not secret:
        # Misconfiguration, not the sender's fault, but nothing can be verified: Stripe
        # retries for three days, time enough to set the secret.
        logger.error("STRIPE_WEBHOOK_SECRET is not set; Stripe webhooks are refused")
        raise BillingRefused(
            "webhook_unconfigured", gettext("This endpoint has no webhook secret configured.")
        )
    if not signature:
        raise BillingRefused(
            "missing_signature", gettext("The Stripe-Signature header is missing.")
        )
    try:
        stripe.Webhook.construct_event(payload, signature, secret, tolerance=tolerance)
    except stripe.SignatureVerificationError:
        raise _signature_refusal(payload, signature, secret) from None
    except (ValueError, AttributeError, TypeError):
        # Signed, but not UTF-8 JSON, a v2 "thin" event, or JSON the library's event
        # constructor can't take (it expects an object and fails on a list or a number).
        raise _not_an_event() from None
    # The library refuses only old timestamps; one far ahead would outlive the tolerance.
    if _timestamp(signature) > time.time() + tolerance:
        raise _stale()
    data = json.loads(payload)
    if not (
        isinstance(data, dict)
        and data.get("object") == "event"
        and isinstance(data.get("id"), str)
        and data["id"].startswith("evt_")
        and isinstance(data.get("type"), str)
        and isinstance(data.get("created"), int)
        and isinstance(data.get("data"), dict)
        and isinstance(data["data"].get("object"), dict)
    ):
        raise _not_an_event()
    return data


def _signature_refusal(payload: bytes, signature: str, secret: str) -> BillingRefused:
    """Say which check failed: the signature itself, or only its age."""
    try:
        stripe.WebhookSignature.verify_header(payload, signature, secret, tolerance=None)
    except (stripe.SignatureVerificationError, ValueError):
        return BillingRefused(
            "invalid_signature",
            gettext("The Stripe signature doesn't match this body and the webhook secret."),
        )
    return _stale()


def _stale() -> BillingRefused:
    return BillingRefused(
        "stale_signature",
        gettext("The Stripe signature's timestamp is outside the accepted window."),
    )


def _not_an_event() -> BillingRefused:
    return BillingRefused("not_an_event", gettext("The body is not a Stripe event."))


def _timestamp(signature: str) -> int:
    # verify_header has parsed it already, so it is there and a number.
    return int(next(p for p in signature.split(",") if p.startswith("t="))[2:])


# --- Recording ------------------------------------------------------------------------------


def _payment_intent(obj: dict[str, Any]) -> str:
    intent = obj.get("payment_intent")
    return intent if isinstance(intent, str) else ""


def _invoice_locked(event_type: str, obj: dict[str, Any], intent: str) -> Invoice | None:
    """The invoice the event is about, locked the way billing's services lock it: its member
    first, then the row (billing/services/invoices.py), so a webhook can't deadlock with a
    re-issue or a staff action."""
    invoices = Invoice.objects.all()
    found: Invoice | None = None
    if event_type.startswith("checkout.session."):
        number = obj.get("client_reference_id") or (obj.get("metadata") or {}).get("invoice")
        if isinstance(number, str):
            found = invoices.filter(number=number).first()
    elif intent:
        found = invoices.filter(provider=PROVIDER, provider_payment=intent).first()
    if found is None:
        return None
    member_lock(found.member_id)
    return invoices.select_for_update().select_related("member").get(pk=found.pk)


def _record(data: dict[str, Any], invoice: Invoice | None) -> tuple[PaymentEvent, bool]:
    created_at = datetime.fromtimestamp(data["created"], tz=UTC)
    # get_or_create inserts in a savepoint: a concurrent delivery of the same event waits on
    # the unique index until this transaction ends, then reads this record.
    return PaymentEvent.objects.get_or_create(
        provider=PROVIDER,
        event_id=data["id"],
        defaults={
            "type": data["type"],
            "created": created_at,
            "invoice": invoice,
            "outcome": PaymentEvent.Outcome.APPLIED,
            "payload": data,
        },
    )


def _replay(record: PaymentEvent) -> PaymentEvent:
    return PaymentEvent(
        provider=record.provider,
        event_id=record.event_id,
        type=record.type,
        created=record.created,
        invoice_id=record.invoice_id,
        outcome=PaymentEvent.Outcome.IGNORED_REPLAY,
        detail=f"first delivery: {record.outcome}",
    )


# --- Applying -------------------------------------------------------------------------------


def _apply(
    record: PaymentEvent, invoice: Invoice | None, obj: dict[str, Any], intent: str
) -> Outcome:
    """Run the event's handler in a savepoint. A refusal from billing's services is an
    outcome, ``rejected``, with the invoice left as it was for staff to look at: Stripe
    would only redeliver the event to the same refusal."""
    handler = HANDLERS.get(record.type)
    if handler is None:
        return Outcome(IGNORED, "not an event type billing acts on")
    try:
        with transaction.atomic():
            return handler(record, invoice, obj, intent)
    except BillingRefused as refusal:
        record.invoice = invoice  # not a replacement issued and rolled back in the savepoint
        return Outcome(PaymentEvent.Outcome.REJECTED, f"{refusal.code}: {refusal.message}")


def _settle(
    record: PaymentEvent, invoice: Invoice | None, obj: dict[str, Any], intent: str
) -> Outcome:
    if invoice is None:
        return Outcome(PaymentEvent.Outcome.REJECTED, "no invoice with this session's reference")
    if obj.get("payment_status") != "paid":
        # A bank debit or transfer: the session is complete, the money not yet; Stripe sends
        # async_payment_succeeded (or _failed) when it is.
        return Outcome(IGNORED, f"payment status {obj.get('payment_status')!r}: awaiting it")
    amount, currency = obj.get("amount_total"), obj.get("currency")
    if amount != invoice.total_cents or str(currency).upper() != invoice.currency:
        return Outcome(
            PaymentEvent.Outcome.REJECTED,
            f"paid {amount} {currency} for an invoice of {invoice.total_cents} "
            f"{invoice.currency}; left {invoice.status}",
        )
    if not intent:
        return Outcome(PaymentEvent.Outcome.REJECTED, "the session names no payment intent")
    if invoice.status in (Invoice.Status.PAID, Invoice.Status.REFUNDED):
        if invoice.provider_payment == intent:
            return Outcome(PaymentEvent.Outcome.IGNORED_STALE, f"already {invoice.status}")
        return Outcome(
            PaymentEvent.Outcome.REJECTED,
            f"already paid by {invoice.provider_payment or 'another route'}; "
            f"{intent} is a second payment to refund in Stripe",
        )
    detail = ""
    if invoice.status == Invoice.Status.VOID:
        replacement = _replacement(invoice)
        if isinstance(replacement, str):
            return Outcome(PaymentEvent.Outcome.REJECTED, replacement)
        detail = (
            f"{invoice.number} was void (its session expired first); the payment settles "
            f"{replacement.number} for the same {invoice.reference}"
        )
        invoice = record.invoice = replacement
    if invoice.provider != PROVIDER:
        # Paid by card whatever the page offered: its refund must go back through Stripe.
        Invoice.objects.filter(pk=invoice.pk).update(provider=PROVIDER)
        invoice.provider = PROVIDER
    paid_at = min(record.created, timezone.now())
    invoice_settle(invoice=invoice, provider_payment=intent, at=paid_at)
    invoice.refresh_from_db()
    _apply_deferred(invoice, intent)
    return Outcome(PaymentEvent.Outcome.APPLIED, detail)


def _replacement(void: Invoice) -> Invoice | str:
    """The due invoice a late payment for the ``void`` one settles, or why there is none.

    A void invoice stays void (its voiding was real, and subscribers heard of it). The
    payment settles the live invoice for the same reference: the one the member asked for
    since, when it is the same (lines, points, pass), or else a new one issued here with the
    void one's lines, spending its points again (they came back when it was voided) and
    buying its pass (not the one the subscription has moved to since). When the points are
    spent since, or the pass isn't known, nothing is settled: the payment is refunded.
    """
    refund = "This payment can't settle anything: refund it in Stripe."
    if void.purpose == Invoice.Purpose.PASS and void.plan_id is None:
        return f"{void.number} doesn't record which pass it bought. {refund}"
    lines = [LineInput(description=line.description, cents=line.cents) for line in void.lines.all()]
    try:
        live = invoice_issue(
            member=void.member,
            purpose=void.purpose,
            reference=void.reference,
            lines=lines,
            points=void.points_used,
            subscription=void.subscription,
            plan=void.plan,
        )
    except BillingRefused as refusal:
        if refusal.code == "insufficient_points":
            return (
                f"{void.number} was void and its {void.points_used} points were spent since "
                f"({refusal.message}). {refund}"
            )
        return f"{refusal.message} This payment is a second one: refund it in Stripe."
    if live.status != Invoice.Status.DUE:
        return (
            f"{live.number} ({live.status}) already pays {void.reference}; this payment is a "
            "second one: refund it in Stripe."
        )
    return live


def _expire(
    record: PaymentEvent, invoice: Invoice | None, obj: dict[str, Any], intent: str
) -> Outcome:
    if invoice is None:
        return Outcome(PaymentEvent.Outcome.REJECTED, "no invoice with this session's reference")
    if invoice.status != Invoice.Status.DUE:
        return Outcome(PaymentEvent.Outcome.IGNORED_STALE, f"already {invoice.status}")
    if invoice.provider_session and invoice.provider_session != obj.get("id"):
        return Outcome(PaymentEvent.Outcome.IGNORED_STALE, "not the invoice's current session")
    # Stripe closed the session itself: there is nothing to expire there.
    invoice_void(
        invoice=invoice, reason=gettext("The card payment session expired."), session_closed=True
    )
    return Outcome(PaymentEvent.Outcome.APPLIED)


def _payment_failed(
    record: PaymentEvent, invoice: Invoice | None, obj: dict[str, Any], intent: str
) -> Outcome:
    if invoice is None:
        return Outcome(PaymentEvent.Outcome.REJECTED, "no invoice with this session's reference")
    _credit_signal(invoice, CreditSignalKind.PAYMENT_FAILED, record)
    return Outcome(PaymentEvent.Outcome.APPLIED, f"invoice left {invoice.status}")


def _refunded(
    record: PaymentEvent, invoice: Invoice | None, obj: dict[str, Any], intent: str
) -> Outcome:
    if invoice is None:
        return Outcome(DEFERRED, f"no invoice paid by {intent or '?'} yet")
    return _refund_reconcile(record, invoice, obj)


def _disputed(
    record: PaymentEvent, invoice: Invoice | None, obj: dict[str, Any], intent: str
) -> Outcome:
    if invoice is None:
        return Outcome(DEFERRED, f"no invoice paid by {intent or '?'} yet")
    return _chargeback(record, invoice, obj)


def _refund_reconcile(record: PaymentEvent, invoice: Invoice, obj: dict[str, Any]) -> Outcome:
    """Bring the ledger level with a refund made in Stripe's dashboard. ``amount_refunded`` is
    the charge's running total, so the entry is what the ledger lacks of it; a refund we asked
    for ourselves (``invoice_refund``) is already there, and this changes nothing."""
    if invoice.status == Invoice.Status.REFUNDED:
        return Outcome(PaymentEvent.Outcome.IGNORED_STALE, "already refunded")
    if invoice.status != Invoice.Status.PAID:
        return Outcome(PaymentEvent.Outcome.REJECTED, f"a refund for a {invoice.status} invoice")
    refunded = obj.get("amount_refunded")
    if isinstance(refunded, bool) or not isinstance(refunded, int) or refunded <= 0:
        return Outcome(PaymentEvent.Outcome.REJECTED, f"amount refunded {refunded!r}")
    on_ledger = LedgerEntry.objects.filter(invoice=invoice, kind=LedgerEntry.Kind.REFUND).aggregate(
        total=Sum("cents", default=0)
    )["total"]
    cents = min(refunded - int(on_ledger), _unreturned(invoice))
    if cents > 0:
        _ledger_add(
            record, invoice, LedgerEntry.Kind.REFUND, cents, f"Stripe refund of {obj.get('id', '')}"
        )
    if refunded < invoice.total_cents:
        return Outcome(PaymentEvent.Outcome.APPLIED, f"partial refund: {cents} cents")
    # The same consequences as invoice_refund, less the call to Stripe, which made it.
    invoice_refunded_record(
        invoice=invoice, reason=gettext("Refunded in Stripe's dashboard."), at=timezone.now()
    )
    return Outcome(PaymentEvent.Outcome.APPLIED, f"refunded in full: {cents} cents")


def _chargeback(record: PaymentEvent, invoice: Invoice, obj: dict[str, Any]) -> Outcome:
    """A chargeback takes the disputed amount back, at most what is left of the payment."""
    amount = obj.get("amount")
    if not isinstance(amount, int) or amount <= 0:
        return Outcome(PaymentEvent.Outcome.REJECTED, f"dispute amount {amount!r}")
    cents = min(amount, _unreturned(invoice))
    if cents:
        note = f"Stripe dispute {obj.get('id', '')}: {obj.get('reason', '')}"
        _ledger_add(record, invoice, LedgerEntry.Kind.CHARGEBACK, cents, note)
    # The fee charged back stops counting towards a tier.
    spend_reverse(reference=invoice.number)
    _credit_signal(invoice, CreditSignalKind.CHARGEBACK, record)
    return Outcome(PaymentEvent.Outcome.APPLIED, f"{cents} cents charged back")


def _ledger_add(record: PaymentEvent, invoice: Invoice, kind: str, cents: int, note: str) -> None:
    """Money Stripe returned to the member, on the ledger under the event that said so."""
    LedgerEntry.objects.create(
        member=invoice.member,
        invoice=invoice,
        kind=kind,
        cents=cents,
        reference=f"stripe:{record.event_id}",
        note=note[:500],
    )


def _unreturned(invoice: Invoice) -> int:
    """What is left of the invoice's payments after its refunds and chargebacks."""
    sums = LedgerEntry.objects.filter(invoice=invoice).aggregate(
        paid=Sum("cents", filter=Q(kind=LedgerEntry.Kind.PAYMENT), default=0),
        returned=Sum(
            "cents",
            filter=Q(kind__in=[LedgerEntry.Kind.REFUND, LedgerEntry.Kind.CHARGEBACK]),
            default=0,
        ),
    )
    return max(int(sums["paid"]) - int(sums["returned"]), 0)


def _apply_deferred(invoice: Invoice, intent: str) -> None:
    """Apply the refunds and chargebacks that arrived before the payment, in Stripe's order."""
    waiting = PaymentEvent.objects.filter(
        provider=PROVIDER, outcome=DEFERRED, payload__data__object__payment_intent=intent
    ).order_by("created", "id")
    for record in waiting:
        obj = record.payload["data"]["object"]
        result = _apply(record, invoice, obj, intent)
        record.invoice = invoice
        record.outcome, record.detail = result.outcome, f"applied late: {result.detail}"[:500]
        record.save(update_fields=["invoice", "outcome", "detail"])
        invoice.refresh_from_db()


def _credit_signal(invoice: Invoice, kind: str, record: PaymentEvent) -> None:
    credit_signal_record(
        member=invoice.member,
        kind=kind,
        reference=f"stripe:{record.event_id}",
        occurred_at=min(record.created, timezone.now()),
        note=invoice.number,
    )


Handler = Callable[[PaymentEvent, Invoice | None, dict[str, Any], str], Outcome]
HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": _settle,
    "checkout.session.async_payment_succeeded": _settle,
    "checkout.session.expired": _expire,
    "checkout.session.async_payment_failed": _payment_failed,
    "charge.refunded": _refunded,
    "charge.dispute.created": _disputed,
}
