"""Reads of the billing app: a member's invoices and pass."""
