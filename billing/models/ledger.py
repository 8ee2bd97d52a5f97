"""The money ledger: every movement of money between a member and the platform, append-only.

What the database guarantees (migration 0001_initial):

- entries are never changed or deleted: a trigger refuses UPDATE and DELETE;
- ``cents`` is positive, the ``kind`` gives the direction;
- ``reference`` is unique: the idempotency key of a movement (``payment:<invoice number>``,
  ``refund:<invoice number>``, a provider event id), so a replayed payment is written once;
- an invoice's refunds and chargebacks never exceed its payments: a deferred constraint
  trigger checks it at commit;
- every entry but a payout names an invoice, and a payout names none.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from billing.models.invoices import Invoice


class LedgerEntry(models.Model):
    """One movement of money, in cents; never changed once written."""

    class Kind(models.TextChoices):
        # In the brief's list of kinds; nothing writes it yet (an invoice is a charge already).
        CHARGE = "charge", _("Charge")
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")
        PAYOUT = "payout", _("Payout")
        CHARGEBACK = "chargeback", _("Chargeback")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name=_("member"),
    )
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
        verbose_name=_("invoice"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    cents = models.BigIntegerField(_("amount (cents)"))
    reference = models.CharField(_("reference"), max_length=255, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(condition=Q(cents__gt=0), name="billing_ledger_cents_positive"),
            models.CheckConstraint(
                condition=Q(kind="payout", invoice__isnull=True)
                | ~Q(kind="payout") & Q(invoice__isnull=False),
                name="billing_ledger_invoice_unless_payout",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.cents} ({self.reference})"
