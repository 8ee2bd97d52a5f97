"""Paying for a case and giving the fee back: checkout from the review step, the paid event,
cancelling, and the refund of an inconclusive case. The offer and the gate at first submission
live in ``appraisals.services.fees`` (which ``submission_submit`` calls) and are re-exported.

A case's fee invoice and its quota use share the reference ``submission:<uid hex>``
(``fee_reference``), so a double click, a retried webhook or a second cancel finds what the
first one did instead of charging, consuming or refunding twice. Only a member's own live
cases pay: partners' cases (the partner API) and sandbox cases are billed elsewhere, and a
retake never pays again.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from appraisals.models import Review, Status, Submission, SubmissionEvent, Tier, Verdict
from appraisals.pricing import Money, price_format
from appraisals.selectors.reports import report_latest_for_submission
from appraisals.services.fees import (
    COVERED_REASON,
    fee_reference,
    quota_consume_for,
    quota_gone,
    quota_held,
    refusals_as_validation,
    submission_fee_invoice,
    submission_fee_settle,
    submission_is_charged,
    submission_offer,
)
from appraisals.services.submissions import (
    submission_blockers,
    submission_ensure_editable,
    submission_event_add,
    submission_submit,
)
from appraisals.services.transitions import submission_status_move
from billing.models import Invoice
from billing.selectors.invoices import invoice_for_reference
from billing.services.invoices import (
    BillingRefused,
    LineInput,
    checkout_start,
    invoice_issue,
    invoice_refund,
    invoice_void,
)
from members.models import User
from membership.selectors.quotas import AppraisalOffer
from membership.services.quotas import quota_restore

# The review step and the tests read the offer and the gate from here, with checkout.
__all__ = [
    "CheckoutResult",
    "fee_invoices_void_overdue",
    "fee_reference",
    "submission_after_payment",
    "submission_after_void",
    "submission_cancel",
    "submission_cancellable",
    "submission_checkout",
    "submission_fee_invoice",
    "submission_fee_return",
    "submission_fee_settle",
    "submission_is_charged",
    "submission_offer",
]

Kind = SubmissionEvent.Kind

logger = logging.getLogger(__name__)

# Overdue fee invoices voided per run of ``fee_invoices_void_overdue`` (each may call Stripe);
# the next run takes the rest.
OVERDUE_BATCH = 200

# A case may be withdrawn while no expert holds it; ``awaiting_expert`` also needs every seat
# still open (checked under lock in ``submission_cancel``).
CANCELLABLE = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.NEEDS_RETAKE,
    Status.QUEUED,
    Status.AWAITING_EXPERT,
)


@dataclass(frozen=True)
class CheckoutResult:
    """What the review step's button did: submitted the case (covered, already paid or not
    charged), or issued its fee invoice, with the payment page to send the member to (Stripe)
    or none (invoice mode: the invoice is due)."""

    submitted: bool
    redirect_url: str | None
    invoice: Invoice | None


def _fee_lines(submission: Submission, offer: AppraisalOffer) -> list[LineInput]:
    with translation.override(submission.owner.language):
        tier = Tier(submission.tier or Tier.STANDARD).label
        lines = [
            LineInput(
                description=_("Appraisal %(reference)s: %(tier)s")
                % {"reference": submission.reference, "tier": tier},
                cents=offer.base_cents,
            )
        ]
        if offer.covered_cents:
            cover = _("Covered by your pass") if offer.covered_by == "pass" else None
            lines.append(
                LineInput(
                    description=cover or _("Covered by a free appraisal"),
                    cents=-offer.covered_cents,
                )
            )
    return lines


def _refused(error: BillingRefused) -> ValidationError:
    return ValidationError(error.message, code=error.code)


def submission_checkout(
    *,
    submission: Submission,
    points: int,
    success_url: str,
    cancel_url: str,
    expected_cents: int | None = None,
) -> CheckoutResult:
    """The review step's one button. A covered case (or one already paid, or a retake) is
    submitted now, its quota consumed in the same transaction. Otherwise the fee invoice is
    issued for the offer's price less ``points``, once per case whatever the clicks (its
    reference; a new tier voids the unpaid one and issues anew), the covered part's quota
    reserved with it, and the payment started. ``expected_cents``: the price the page showed;
    if the offer changed since (the last free appraisal went to another case, a pass ended),
    nothing happens and the member is told the new price. A refusal from membership or
    billing is a ``ValidationError`` with its message (nothing was written)."""
    with refusals_as_validation():
        return _checkout(
            submission=submission,
            points=points,
            success_url=success_url,
            cancel_url=cancel_url,
            expected_cents=expected_cents,
        )


def _checkout(
    *,
    submission: Submission,
    points: int,
    success_url: str,
    cancel_url: str,
    expected_cents: int | None,
) -> CheckoutResult:
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        submission_ensure_editable(locked)
        problems = submission_blockers(submission=locked)
        if problems:
            raise ValidationError(problems)
        offer = submission_offer(submission=locked)
        invoice = invoice_for_reference(fee_reference(locked))
        paid = invoice is not None and invoice.is_paid
        charged = submission_is_charged(submission=locked)
        if charged and not paid and expected_cents not in (None, offer.price_cents):
            raise ValidationError(
                _(
                    "The price changed while the page was open: %(reason)s It is now "
                    "%(price)s; check it and press the button again."
                )
                % {"reason": offer.reason, "price": price_format(Money(offer.price_cents))},
                code="price_changed",
            )
        if not charged or offer.price_cents == 0 or paid:
            submission_submit(submission=locked)
            return CheckoutResult(submitted=True, redirect_url=None, invoice=invoice)
        # The covered part is held for this case while its invoice is open: two unpaid cases
        # can't both count on the period's last free appraisal.
        if offer.covered_by and not quota_consume_for(locked, offer):
            raise quota_gone()
        invoice = invoice_issue(
            member=locked.owner,
            purpose=Invoice.Purpose.APPRAISAL,
            reference=fee_reference(locked),
            lines=_fee_lines(locked, offer),
            points=points,
        )
    if invoice.is_paid:
        # Points paid the whole fee, so the invoice was settled as it was issued.
        submission_submit(submission=submission)
        return CheckoutResult(submitted=True, redirect_url=None, invoice=invoice)
    redirect_url = checkout_start(invoice=invoice, success_url=success_url, cancel_url=cancel_url)
    return CheckoutResult(submitted=False, redirect_url=redirect_url, invoice=invoice)


def submission_fee_return(*, submission: Submission, reason: str) -> None:
    """Give back what the case took, once whatever the calls: its quota use is restored, a
    paid fee refunded in full (points included), a due one voided; each with a timeline
    line. ``reason``: "cancelled" or "inconclusive". The caller holds the case locked."""
    reference = fee_reference(submission)
    was_covered = quota_held(submission) is not None
    quota_restore(reference=reference, reason=reason)
    invoice = invoice_for_reference(reference)
    refunded = None
    try:
        if invoice is not None and invoice.status == Invoice.Status.DUE:
            invoice_void(invoice=invoice, reason=reason)
        elif invoice is not None and invoice.is_paid:
            refunded = invoice_refund(invoice=invoice, reason=reason)
    except BillingRefused as error:
        raise _refused(error) from error
    # Timeline messages are stored in English (SubmissionEvent.message_display translates).
    with translation.override("en"):
        if was_covered:
            submission_event_add(
                submission,
                Kind.QUOTA_RESTORED,
                gettext_noop("Your pass or free appraisal was returned to your allowance."),
            )
        if refunded is not None:
            _refund_event_add(submission, refunded)


def _refund_event_add(submission: Submission, refunded: Invoice) -> None:
    # Stored in English, like every timeline line (message_display translates).
    with translation.override("en"):
        submission_event_add(
            submission,
            Kind.REFUNDED,
            f"{refunded.number}: {price_format(Money(refunded.total_cents))}",
        )


def submission_cancellable(*, submission: Submission) -> bool:
    """Whether the owner may still cancel the case (for the button; ``submission_cancel``
    decides under lock)."""
    if submission.status not in CANCELLABLE:
        return False
    return not _expert_seated(submission)


def _expert_seated(submission: Submission) -> bool:
    # Any seat an expert claimed, signed or was withdrawn from after asking for photos.
    return Review.objects.filter(
        submission=submission, reappraisal__isnull=True, expert__isnull=False
    ).exists()


def submission_cancel(*, submission: Submission, by: User) -> Submission:
    """The owner withdraws a case no expert has taken: it is cancelled, its open review seats
    closed, its quota restored and its fee refunded (or its due invoice voided).

    The case row is locked ``FOR NO KEY UPDATE`` and then its seats ``FOR UPDATE``: an expert
    claiming a seat at the same moment either got it first (the cancel is refused) or finds it
    withdrawn; the lighter case lock lets the claim write its timeline line meanwhile, so the
    two never deadlock.
    """
    if by.pk != submission.owner_id:
        raise PermissionDenied(_("Only the case's owner can cancel it."))
    with transaction.atomic():
        locked = Submission.objects.select_for_update(no_key=True).get(pk=submission.pk)
        if locked.status not in CANCELLABLE:
            raise ValidationError(
                _("This case is %(status)s and can no longer be cancelled.")
                % {"status": locked.get_status_display().lower()},
                code="not_cancellable",
            )
        seats = list(
            Review.objects.select_for_update()
            .filter(submission=locked, reappraisal__isnull=True)
            .exclude(state=Review.State.WITHDRAWN)
            .order_by("pk")
        )
        if _expert_seated(locked) or any(s.state != Review.State.OPEN for s in seats):
            raise ValidationError(
                _("An expert is already examining this case, so it can no longer be cancelled."),
                code="expert_holds",
            )
        Review.objects.filter(pk__in=[s.pk for s in seats]).update(
            state=Review.State.WITHDRAWN, claim_expires_at=None
        )
        submission_status_move(submission=locked, to=Status.CANCELLED)
        locked.save(update_fields=["status", "updated_at"])
        with translation.override("en"):
            submission_event_add(locked, Kind.CANCELLED, gettext_noop("You cancelled the case."))
        submission_fee_return(submission=locked, reason="cancelled")
    return locked


def submission_after_payment(*, reference: str) -> Submission | None:
    """A fee invoice was paid (``InvoicePaid``): submit its case. One cancelled meanwhile has
    the payment refunded; one that can't go yet (a photo was removed since) stays a draft with
    its paid invoice, and its review step submits it without charging again.

    A case already past its draft keeps a payment it went through with. One that went through
    without it has it refunded: covered in full by a pass or free appraisal (its unpaid
    invoice voided then, and paid late, e.g. in a Stripe tab left open), or whose fee was
    given back for an inconclusive verdict. Safe to run twice: a refunded invoice is no longer
    paid."""
    submission = _submission_for(reference)
    if submission is None:
        return None
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if locked.status == Status.CANCELLED:
            submission_fee_return(submission=locked, reason="cancelled")
        elif locked.status == Status.DRAFT:
            try:
                locked = submission_submit(submission=locked)
            except ValidationError:
                pass  # its own savepoint rolled back; the draft waits for its owner
        elif _inconclusive(locked):
            submission_fee_return(submission=locked, reason="inconclusive")
        elif _covered_in_full(locked):
            _fee_refund(locked, reason=COVERED_REASON)
    return locked


def _inconclusive(submission: Submission) -> bool:
    report = report_latest_for_submission(submission_id=submission.pk)
    return report is not None and report.verdict == Verdict.INCONCLUSIVE


def _covered_in_full(submission: Submission) -> bool:
    """Whether the case's quota use covers its whole price: it went through without a fee.
    (A case that paid holds no use, or one for the Standard part of a faster tier.)"""
    held = quota_held(submission)
    return held is not None and submission_offer(submission=submission).price_cents == 0


def _fee_refund(submission: Submission, *, reason: str) -> None:
    """Refund the case's paid fee invoice, if it has one, with a timeline line."""
    invoice = invoice_for_reference(fee_reference(submission))
    if invoice is None or not invoice.is_paid:
        return
    try:
        refunded = invoice_refund(invoice=invoice, reason=reason)
    except BillingRefused as error:
        raise _refused(error) from error
    _refund_event_add(submission, refunded)


def submission_after_void(*, reference: str) -> Submission | None:
    """A fee invoice was voided (staff, in the admin): a draft that no longer has a live
    invoice gives back the free appraisal held for it. A void that made way for a new invoice
    (another tier) or for a covered submission leaves everything as it is."""
    submission = _submission_for(reference)
    if submission is None:
        return None
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if locked.status == Status.DRAFT and invoice_for_reference(reference) is None:
            quota_restore(reference=reference, reason="invoice void")
    return locked


def _submission_for(reference: str) -> Submission | None:
    prefix = "submission:"
    if not reference.startswith(prefix):
        return None
    try:
        uid = uuid.UUID(hex=reference.removeprefix(prefix))
    except ValueError:
        return None
    return Submission.objects.filter(uid=uid).first()


def fee_invoices_void_overdue(*, now: datetime | None = None) -> int:
    """Void the appraisal fee invoices still due after their due date (the beat task
    ``appraisals.tasks.fee_invoices_void_overdue``): an unpaid invoice would otherwise hold the
    free appraisal set aside for its case for ever. ``InvoiceVoided`` then gives that back
    (``submission_after_void``). Each invoice is voided on its own through billing, which
    locks it: one paid meanwhile, or whose card session the provider won't close, is left as
    it is and logged. Safe to run twice. Returns how many it voided."""
    now = now or timezone.now()
    overdue = list(
        Invoice.objects.filter(
            purpose=Invoice.Purpose.APPRAISAL, status=Invoice.Status.DUE, due_at__lt=now
        ).order_by("due_at", "pk")[:OVERDUE_BATCH]
    )
    voided = 0
    for invoice in overdue:
        try:
            invoice_void(invoice=invoice, reason="not paid by its due date")
        except BillingRefused as error:
            logger.warning("overdue fee invoice %s left due: %s", invoice.number, error.message)
        else:
            voided += 1
    return voided
