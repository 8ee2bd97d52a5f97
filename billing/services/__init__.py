"""Business logic of the billing app: invoices and the money ledger (invoices.py), passes
(passes.py); the Stripe webhook's handling lives in webhooks.py."""
