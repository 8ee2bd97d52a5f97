"""Invoice mode: no card payment. The member sees the due invoice (and its PDF) and pays by
transfer; staff mark it paid in the admin (``invoice_mark_paid``), refunds go back the same way."""

from __future__ import annotations

from billing.models.invoices import Invoice


class InvoiceProvider:
    name = Invoice.Provider.INVOICE

    def checkout_start(self, invoice: Invoice, success_url: str, cancel_url: str) -> str | None:
        # Nothing to redirect to: the invoice is due, and its page says how to pay it.
        return None

    def session_expire(self, invoice: Invoice) -> None:
        # No session: the invoice's page stops offering payment once it is void.
        return None

    def refund(self, invoice: Invoice, reference: str) -> str:
        # Staff send the money back by transfer; the ledger records that they did.
        return ""
