"""Stripe Checkout as the payment provider, through the official ``stripe`` library.

The member pays on Stripe's hosted page; the invoice becomes paid only when Stripe's signed
webhook says so (billing/services/webhooks.py), never on the redirect back, which anyone can
forge. Every call carries an idempotency key derived from the invoice, so a double click, a
retry after a timeout or the library's own retries create one session and one refund.
"""

from __future__ import annotations

import logging
from typing import Any

import stripe
from django.conf import settings
from django.utils.translation import get_language, gettext

from billing.models import Invoice, PaymentEvent
from billing.services.invoices import BillingRefused
from membership.money import cents_format

logger = logging.getLogger(__name__)

# Stripe refuses a Checkout Session below its minimum charge (EUR 0.50).
STRIPE_MINIMUM_CENTS = 50
# Connect and read timeouts (seconds): a member waits on this request before the redirect.
STRIPE_TIMEOUT = (5.0, 20.0)
# Safe because every call is idempotent by key: a retried create returns the first answer.
STRIPE_NETWORK_RETRIES = 2
CHECKOUT_LOCALES = {"en": "en", "zh-hans": "zh"}
# Stripe's limits on a product name and description.
_NAME_MAX = 250
_DESCRIPTION_MAX = 500


def stripe_client() -> stripe.StripeClient:
    """A client for the configured account, pointed at ``STRIPE_API_BASE``."""
    if not settings.STRIPE_SECRET_KEY:
        raise BillingRefused(
            "provider_unconfigured",
            gettext("Card payments are not available right now. Please try again later."),
        )
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=STRIPE_NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=STRIPE_TIMEOUT),
    )


class StripeProvider:
    """The provider ``PAYMENT_PROVIDER = "stripe"`` selects (billing/providers/__init__.py)."""

    name = Invoice.Provider.STRIPE

    def checkout_start(self, invoice: Invoice, success_url: str, cancel_url: str) -> str | None:
        """Create (or, for the same invoice, find again) the Checkout Session that pays the
        invoice's total, remember its id on the invoice, and return the page to send the
        member to. Stripe being unreachable is a `BillingRefused`; the invoice stays due."""
        if invoice.status != Invoice.Status.DUE:
            raise BillingRefused(
                "not_due", gettext("This invoice is not awaiting payment any more.")
            )
        if invoice.total_cents < STRIPE_MINIMUM_CENTS:
            raise BillingRefused(
                "amount_too_small",
                gettext("Amounts below %(amount)s can't be paid by card.")
                % {"amount": cents_format(STRIPE_MINIMUM_CENTS)},
            )
        params: Any = {
            "mode": "payment",
            "client_reference_id": invoice.number,
            "metadata": {"invoice": invoice.number},
            "payment_intent_data": {"metadata": {"invoice": invoice.number}},
            "customer_email": invoice.member.email,
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": invoice.currency.lower(),
                        "unit_amount": invoice.total_cents,
                        "product_data": _product(invoice),
                    },
                }
            ],
            "success_url": success_url,
            "cancel_url": cancel_url,
            # Stripe's page in the language of ours (its "zh" is Simplified Chinese).
            "locale": CHECKOUT_LOCALES.get(get_language() or "", "auto"),
        }
        # One key per invoice and attempt: a double click gets the first session back. A bank
        # payment that failed ends its session, so each failure starts a new attempt.
        failures = PaymentEvent.objects.filter(
            invoice=invoice, type="checkout.session.async_payment_failed"
        ).count()
        key = f"authplatform:checkout:{invoice.number}:{invoice.total_cents}:{failures}"
        session = _call(
            lambda client: client.v1.checkout.sessions.create(
                params=params, options={"idempotency_key": key}
            ),
            action="checkout",
            invoice=invoice,
        )
        # Only a due invoice takes the session id, so a webhook that settled it meanwhile
        # is never undone; saved outside the network call, so no lock waits on Stripe.
        Invoice.objects.filter(pk=invoice.pk, status=Invoice.Status.DUE).update(
            provider=Invoice.Provider.STRIPE, provider_session=session.id
        )
        invoice.provider = Invoice.Provider.STRIPE
        invoice.provider_session = session.id
        url: str | None = session.url
        if not url:
            raise BillingRefused(
                "provider_error",
                gettext("The payment service didn't open a payment page. Please try again."),
            )
        return url

    def session_expire(self, invoice: Invoice) -> None:
        """Expire the invoice's Checkout Session, so the member can't pay it any more. One
        Stripe no longer keeps open is looked up: expired already is fine, complete means
        it was paid (or a bank payment is under way), refused as ``already_paid``."""
        session_id = invoice.provider_session
        if not session_id:
            return
        try:
            _call(
                lambda client: client.v1.checkout.sessions.expire(session_id),
                action="expire",
                invoice=invoice,
                quiet=(stripe.InvalidRequestError,),
            )
            return
        except stripe.InvalidRequestError:
            pass  # not open any more: which way did it close?
        session = _call(
            lambda client: client.v1.checkout.sessions.retrieve(session_id),
            action="expire",
            invoice=invoice,
        )
        if session.status == "expired":
            return
        if session.status == "complete":
            raise BillingRefused(
                "already_paid",
                gettext(
                    "Invoice %(number)s was already paid by card, so it can't be cancelled; "
                    "the payment will be recorded shortly."
                )
                % {"number": invoice.number},
            )
        raise BillingRefused(
            "provider_error",
            gettext(
                "The payment service didn't close the payment page of invoice %(number)s, so "
                "it was not cancelled. Please try again in a moment."
            )
            % {"number": invoice.number},
        )

    def refund(self, invoice: Invoice, reference: str) -> str:
        """Refund the invoice's payment in full at Stripe; the refund's id. Idempotent by
        ``reference``: asking twice refunds once."""
        if not invoice.provider_payment:
            raise BillingRefused(
                "no_provider_payment",
                gettext("This invoice was not paid by card, so Stripe can't refund it."),
            )
        params: Any = {
            "payment_intent": invoice.provider_payment,
            # Explicit, so a payment already partly refunded in Stripe's dashboard is refused
            # rather than quietly refunded for less than the ledger is told.
            "amount": invoice.total_cents,
            "metadata": {"invoice": invoice.number, "reference": reference},
        }
        refund = _call(
            lambda client: client.v1.refunds.create(
                params=params, options={"idempotency_key": f"authplatform:refund:{reference}"}
            ),
            action="refund",
            invoice=invoice,
        )
        refund_id: str = refund.id
        return refund_id


def _product(invoice: Invoice) -> dict[str, str]:
    descriptions = [line.description for line in invoice.lines.all()]
    product = {"name": gettext("Invoice %(number)s") % {"number": invoice.number}}
    if descriptions:
        product["description"] = "; ".join(descriptions)[:_DESCRIPTION_MAX]
    product["name"] = product["name"][:_NAME_MAX]
    return product


def _call(
    request: Any,
    *,
    action: str,
    invoice: Invoice,
    quiet: tuple[type[stripe.StripeError], ...] = (),
) -> Any:
    """Run ``request(client)``; Stripe's failures become a `BillingRefused` a page can show,
    but for those in ``quiet``, raised as they are for the caller to look into."""
    client = stripe_client()
    try:
        return request(client)
    except quiet:
        raise
    except stripe.APIConnectionError as error:
        logger.warning("stripe %s for %s: unreachable (%s)", action, invoice.number, error)
        if action == "refund":
            message = gettext(
                "We couldn't reach the payment service, so nothing was refunded yet. Please "
                "try again in a moment."
            )
        elif action == "expire":
            message = gettext(
                "We couldn't reach the payment service to close invoice %(number)s's payment "
                "page, so the invoice was not cancelled. Please try again in a moment."
            ) % {"number": invoice.number}
        else:
            message = gettext(
                "We couldn't reach the payment service. Nothing was charged and your invoice "
                "is kept; please try again in a moment."
            )
        raise BillingRefused("provider_unavailable", message) from error
    except stripe.StripeError as error:
        logger.error(
            "stripe %s for %s refused: %s (request %s)",
            action,
            invoice.number,
            error.user_message or error,
            error.request_id,
        )
        if action == "refund":
            message = gettext(
                "The payment service refused the refund, so nothing was refunded. Check the "
                "payment in Stripe's dashboard."
            )
        elif action == "expire":
            message = gettext(
                "The payment service refused to close invoice %(number)s's payment page, so "
                "the invoice was not cancelled. Check the session in Stripe's dashboard."
            ) % {"number": invoice.number}
        else:
            message = gettext(
                "The payment service refused the request. Nothing was charged and your "
                "invoice is kept; please try again, or contact us if it happens again."
            )
        raise BillingRefused("provider_error", message) from error
