"""Billing: invoices, the payment interface (invoice mode and Stripe Checkout), refunds and
payouts on one ledger, and the member's invoices and pass checkout. See docs/billing.md.

It sits between ``appraisals`` (which asks for a case's fee to be paid) and ``membership``
(whose plans, points and spend it charges against), and never imports ``appraisals``.
"""
