"""What a payment provider told us, event by event: the audit trail of webhooks."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from billing.models.invoices import Invoice


class PaymentEvent(models.Model):
    """One provider event as received, and what we did with it; written once per event id."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        IGNORED_REPLAY = "ignored_replay", _("Ignored (replayed)")
        IGNORED_STALE = "ignored_stale", _("Ignored (stale)")
        REJECTED = "rejected", _("Rejected")
        # An event type, or a state (a session still waiting for a bank transfer), that needs
        # nothing from us.
        IGNORED = "ignored", _("Ignored (nothing to do)")
        # A refund or chargeback for a payment not seen yet: applied when the payment lands.
        DEFERRED = "deferred", _("Kept until its payment arrives")

    provider = models.CharField(_("provider"), max_length=10, choices=Invoice.Provider.choices)
    event_id = models.CharField(_("event id"), max_length=255)
    type = models.CharField(_("type"), max_length=100)
    created = models.DateTimeField(_("created by the provider at"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_events",
        verbose_name=_("invoice"),
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, db_index=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    payload = models.JSONField(_("payload"), default=dict)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="billing_paymentevent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id} ({self.type})"
