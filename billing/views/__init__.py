"""The billing app's pages: a member's invoices (invoices.py), buying and cancelling a pass
(passes.py), and Stripe's webhook (webhooks.py)."""
