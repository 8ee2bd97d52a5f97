"""The billing app's models, one module per part of the domain."""

from billing.models.events import PaymentEvent
from billing.models.invoices import Invoice, InvoiceLine
from billing.models.ledger import LedgerEntry
from billing.models.passes import PassSubscription

__all__ = ["Invoice", "InvoiceLine", "LedgerEntry", "PassSubscription", "PaymentEvent"]
