"""What the credit score (信用) is computed from: one row per thing a member did that counts.

Signals are facts recorded by the app where they happen (a dispute resolved, a payment that
failed, a chargeback, a risk flag), each once: its ``reference`` names the fact, so a redelivered
event records nothing new. The score itself is never stored: ``membership/credit.py`` computes it
from the signals, the account's age and its verified email whenever it is shown, so a signal
stops counting the moment its window ends.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from membership.credit import SIGNAL_KINDS


class CreditSignalKind(models.TextChoices):
    DISPUTE_UPHELD = "dispute_upheld", _("Dispute upheld")
    DISPUTE_REJECTED = "dispute_rejected", _("Dispute rejected")
    RISK_FLAG = "risk_flag", _("Risk flag")
    PAYMENT_FAILED = "payment_failed", _("Payment failed")
    CHARGEBACK = "chargeback", _("Chargeback")


assert tuple(CreditSignalKind.values) == SIGNAL_KINDS, (
    "the model and the policy name the same kinds"
)


class CreditSignal(models.Model):
    """One fact about a member that the credit score counts while it is in its window."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="credit_signals",
        verbose_name=_("member"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CreditSignalKind.choices)
    # What the fact is, e.g. "dispute:42" or a payment provider's event id: unique, so a fact
    # delivered twice counts once.
    reference = models.CharField(_("reference"), max_length=200, unique=True)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # For staff: what happened, in a few words. Never shown to other members.
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("credit signal")
        verbose_name_plural = _("credit signals")
        indexes = [models.Index(fields=["member", "occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CreditSignalKind.values), name="membership_credit_signal_kind"
            ),
            models.CheckConstraint(
                condition=~Q(reference=""), name="membership_credit_signal_has_reference"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.kind} · {self.reference}"
