"""The domain events billing emits (events/, docs/events.md), in the transaction of the change
each describes. Appraisals and disputes subscribe in their own ``subscribers.py``; billing never
imports them. An invoice is the aggregate, so one invoice's events arrive in order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Self

from events.registry import domain_event

if TYPE_CHECKING:
    from billing.models import Invoice


@dataclass(frozen=True)
class InvoiceChange:
    """What every invoice event says: which invoice, whose, for what."""

    invoice_id: int
    member_id: int
    purpose: str
    reference: str

    @property
    def aggregate_id(self) -> str:
        return str(self.invoice_id)

    @classmethod
    def of(cls, invoice: Invoice) -> Self:
        return cls(
            invoice_id=invoice.pk,
            member_id=invoice.member_id,
            purpose=invoice.purpose,
            reference=invoice.reference,
        )


@domain_event("invoice.paid", aggregate="invoice")
@dataclass(frozen=True)
class InvoicePaid(InvoiceChange):
    """An invoice was settled (by the provider's webhook, by staff, or at issue for €0)."""


@domain_event("invoice.refunded", aggregate="invoice")
@dataclass(frozen=True)
class InvoiceRefunded(InvoiceChange):
    """A paid invoice was refunded in full (its points given back)."""


@domain_event("invoice.voided", aggregate="invoice")
@dataclass(frozen=True)
class InvoiceVoided(InvoiceChange):
    """A due invoice was cancelled before payment (its points given back)."""
