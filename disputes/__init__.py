"""Disputes of a report and the authentication guarantee: triage, blind re-appraisal, the
panel, the outcome and the compensation ledger (docs/disputes.md)."""
