"""The billing admin: invoices with their lines and the staff actions that settle, void and
refund them (invoices.py); the money ledger, the provider's events and pass subscriptions,
read-only (records.py)."""

from billing.admin import invoices, records

__all__ = ["invoices", "records"]
