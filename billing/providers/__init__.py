"""How an invoice gets paid: the provider protocol and the registry ``PAYMENT_PROVIDER`` picks
from. ``invoice`` (the default) leaves the invoice due for staff to mark paid; ``stripe`` sends
the member to Stripe Checkout (billing/providers/stripe.py)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from billing.models import Invoice

# Module paths, so a provider's library (stripe) is imported only when it is used.
PROVIDERS = {
    "invoice": "billing.providers.invoice.InvoiceProvider",
    "stripe": "billing.providers.stripe.StripeProvider",
}


class PaymentProvider(Protocol):
    name: str

    def checkout_start(self, invoice: Invoice, success_url: str, cancel_url: str) -> str | None:
        """The URL to send the member to for paying ``invoice``, or None when there is none
        (the invoice stays due until it is settled some other way)."""

    def session_expire(self, invoice: Invoice) -> None:
        """Close the invoice's payment session (``provider_session``), so it can't be paid
        any more; nothing when there is none. Raises `BillingRefused` ``already_paid`` when
        the session was paid already, and another refusal when the provider can't say."""

    def refund(self, invoice: Invoice, reference: str) -> str:
        """Give the invoice's payment back in full; the provider's refund id, or "" when the
        money moves outside the provider. Idempotent by ``reference``."""


def provider_get(name: str | None = None) -> PaymentProvider:
    """The provider called ``name``, or the configured one (``PAYMENT_PROVIDER``)."""
    name = name or settings.PAYMENT_PROVIDER
    path = PROVIDERS.get(name)
    if path is None:
        raise ImproperlyConfigured(
            f"PAYMENT_PROVIDER is {name!r}; it is one of {', '.join(sorted(PROVIDERS))}."
        )
    module, _, cls = path.rpartition(".")
    provider: PaymentProvider = getattr(import_module(module), cls)()
    return provider
