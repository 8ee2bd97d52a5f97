"""What a member's case costs them and the gate at its first submission: the tier's price, the
part their pass or a free appraisal covers, and whether the case may go (covered, or its fee
invoice paid). ``appraisals.services.payments`` builds checkout, cancelling and refunds on it;
``submission_submit`` calls the gate, so this module never imports the submission services.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from appraisals.models import Submission, Tier
from appraisals.policies import policy_for
from appraisals.pricing import Money, PriceInput, PricingPolicy, appraisal_price, price_format
from billing.models import Invoice
from billing.selectors.invoices import invoice_for_reference
from billing.services.invoices import BillingRefused, invoice_void
from membership.models import QuotaUse
from membership.selectors.quotas import AppraisalOffer, QuotaRefused, appraisal_offer
from membership.services.credit import CreditRefused
from membership.services.points import PointsRefused
from membership.services.quotas import quota_consume, quota_restore

# Why a due fee invoice is voided when the case goes through covered, and why a fee paid for
# a case that went through covered is refunded (``submission_after_payment``).
COVERED_REASON = "covered by the member's pass or free appraisal"


@contextmanager
def refusals_as_validation() -> Iterator[None]:
    """A refusal from membership (quota, points, credit) or billing inside the payment gate
    or checkout becomes a ``ValidationError`` with its message and code: the member sees it on
    the page (a 400), never a server error. Each refusal has written nothing."""
    try:
        yield
    except (QuotaRefused, PointsRefused, CreditRefused, BillingRefused) as error:
        raise ValidationError(error.message, code=error.code) from error


def submission_price(*, submission: Submission, tier: str | None = None) -> Money:
    """What this case costs: the price quoted at its first submission, else today's price of
    its tier and category; with ``tier``, today's price of that tier for this item."""
    if tier is None and submission.price_cents is not None:
        return Money(submission.price_cents)
    case = PriceInput(
        tier=tier or submission.tier or Tier.STANDARD, category_slug=submission.category.slug
    )
    return appraisal_price(case, PricingPolicy.from_settings())


def fee_reference(submission: Submission) -> str:
    """The reference of the case's fee invoice and of its quota use (the shared brief)."""
    return f"submission:{submission.uid.hex}"


def quota_held(submission: Submission) -> QuotaUse | None:
    """The quota use held for this case (not given back), if any."""
    return QuotaUse.objects.filter(
        reference=fee_reference(submission), restored_at__isnull=True
    ).first()


def submission_offer(*, submission: Submission, tier: str | None = None) -> AppraisalOffer:
    """What the owner pays for this case at ``tier`` (else its own): the tier's price, less
    what their pass or a free appraisal covers (the Standard price). Reads only.

    A case whose quota use is already held (its invoice is open or paid) keeps that cover,
    rather than competing with itself for the period's free appraisals.
    """
    chosen = tier or submission.tier or Tier.STANDARD
    base = submission_price(submission=submission, tier=tier).cents
    # A pass or free appraisal covers up to the Standard price, never more than the case
    # costs: a category whose Standard price is above another tier's (PRICE_CENTS_BY_CATEGORY)
    # or a case quoted before prices rose has that tier covered in full.
    standard = min(submission_price(submission=submission, tier=Tier.STANDARD).cents, base)
    held = quota_held(submission)
    if held is None:
        return appraisal_offer(
            submission.owner, service_tier=chosen, base_cents=base, standard_cents=standard
        )
    covered = min(held.covered_cents, base)
    extra = base - covered
    if held.source == "pass":
        reason = _("Covered by your pass.")
    else:
        reason = _("One of your free appraisals is set aside for this case.")
    if extra:
        reason += " " + _("You pay %(extra)s for the faster tier.") % {
            "extra": price_format(Money(extra))
        }
    return AppraisalOffer(
        base_cents=base,
        covered_cents=covered,
        price_cents=extra,
        covered_by=held.source,
        free_left=None,
        reason=reason,
    )


def submission_fee_invoice(*, submission: Submission) -> Invoice | None:
    """The case's live fee invoice (due, paid or refunded), if one was issued."""
    return invoice_for_reference(fee_reference(submission))


def submission_is_charged(*, submission: Submission, for_partner: bool = False) -> bool:
    """Whether submitting this case takes a fee or a quota: only a member's live case, on its
    first round. ``for_partner``: it comes through a partner's API key (``api/``)."""
    return not for_partner and policy_for(submission).mode == "live" and submission.round == 0


def quota_consume_for(submission: Submission, offer: AppraisalOffer) -> bool:
    """Cover the case with its quota (idempotent by its reference); False when nothing covers
    it now. A use held for another tier (the member changed it before paying) is given back
    and taken anew, so the use says what the case is."""
    reference = fee_reference(submission)
    tier = submission.tier or Tier.STANDARD
    held = quota_held(submission)
    if held is not None and (held.service_tier, held.base_cents) != (tier, offer.base_cents):
        quota_restore(reference=reference, reason="tier changed")
    use = quota_consume(
        member=submission.owner,
        reference=reference,
        service_tier=tier,
        base_cents=offer.base_cents,
        standard_cents=offer.covered_cents,
    )
    return use is not None


def quota_gone() -> ValidationError:
    return ValidationError(
        _(
            "Your pass or free appraisal no longer covers this case: the last free appraisal "
            "of this period was just used, or your pass has ended. Nothing was charged; check "
            "the new price and submit again."
        ),
        code="quota_gone",
    )


def submission_fee_settle(*, submission: Submission, for_partner: bool = False) -> None:
    """The payment gate of a first submission, inside ``submission_submit``'s transaction
    with the case locked: the case goes on only when its offer is fully covered (the quota is
    consumed here) or its fee invoice is paid. A paid case keeps the quota use held for it
    since checkout (the covered part of a faster tier) and takes no new one: a free appraisal
    that came back after checkout stays the member's. Raises ``ValidationError`` otherwise
    (a refusal from membership or billing included), having changed nothing."""
    if not submission_is_charged(submission=submission, for_partner=for_partner):
        return
    with refusals_as_validation():
        _fee_settle(submission)


def _fee_settle(submission: Submission) -> None:
    offer = submission_offer(submission=submission)
    invoice = invoice_for_reference(fee_reference(submission))
    paid = invoice is not None and invoice.is_paid
    if paid and invoice is not None and invoice.subtotal_cents < offer.price_cents:
        raise ValidationError(
            _(
                "Invoice %(number)s paid for a less expensive service. Choose the service you "
                "paid for, or cancel the case to have the payment refunded."
            )
            % {"number": invoice.number},
            code="paid_for_less",
        )
    if paid:
        return  # the fee pays for the case; a use held since checkout stays with it
    if offer.price_cents > 0:
        raise ValidationError(
            _("This case costs %(price)s. Pay it to submit the case.")
            % {"price": price_format(Money(offer.price_cents))},
            code="payment_required",
        )
    if offer.covered_by and not quota_consume_for(submission, offer):
        raise quota_gone()
    if invoice is not None and invoice.status == Invoice.Status.DUE:
        # Covered after all (another tier, a new pass): the unpaid bill is no longer owed.
        invoice_void(invoice=invoice, reason=COVERED_REASON)
