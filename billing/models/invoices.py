"""Invoices and their lines: what a member owes for a case, a pass or a dispute fee.

What the database guarantees (migration 0001_initial adds what Django can't express):

- the invoice number comes from a PostgreSQL sequence (``billing_invoice_number``), so two
  invoices issued at once never share one;
- one live (due or paid) invoice per reference: a partial unique constraint (0002; a
  refunded one is kept, and a case's refunded fee can be invoiced again);
- amounts are whole cents, in euros, never negative, and ``total = subtotal - discount``;
- a status carries its timestamps (a paid invoice has ``paid_at``, a void one ``voided_at``...).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CURRENCY = "EUR"


class Invoice(models.Model):
    """A bill to one member, numbered ``INV-<year>-<6 digits>``; its lines add up to it."""

    class Purpose(models.TextChoices):
        APPRAISAL = "appraisal", _("Appraisal")
        PASS = "pass", _("Pass")
        DISPUTE_FEE = "dispute_fee", _("Dispute fee")

    class Status(models.TextChoices):
        DUE = "due", _("Due")
        PAID = "paid", _("Paid")
        VOID = "void", _("Void")
        REFUNDED = "refunded", _("Refunded")

    class Provider(models.TextChoices):
        INVOICE = "invoice", _("Invoice (paid by transfer)")
        STRIPE = "stripe", _("Stripe")

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("member"),
    )
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    # What the invoice is for, e.g. ``submission:<uid hex>``: the idempotency key of issuing.
    reference = models.CharField(_("reference"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DUE
    )
    currency = models.CharField(_("currency"), max_length=3, default=CURRENCY)
    subtotal_cents = models.BigIntegerField(_("subtotal (cents)"))
    points_used = models.BigIntegerField(_("points used"), default=0)
    discount_cents = models.BigIntegerField(_("points discount (cents)"), default=0)
    total_cents = models.BigIntegerField(_("total (cents)"))
    provider = models.CharField(
        _("payment provider"), max_length=10, choices=Provider.choices, default=Provider.INVOICE
    )
    provider_session = models.CharField(_("checkout session"), max_length=255, blank=True)
    provider_payment = models.CharField(_("provider payment"), max_length=255, blank=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    due_at = models.DateTimeField(_("due at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices_marked_paid",
        verbose_name=_("marked paid by"),
    )
    void_reason = models.CharField(_("void reason"), max_length=500, blank=True)
    refund_reason = models.CharField(_("refund reason"), max_length=500, blank=True)
    # A pass invoice: the subscription it renews or starts, and the membership its payment
    # granted (null until paid).
    subscription = models.ForeignKey(
        "billing.PassSubscription",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("pass subscription"),
    )
    membership = models.ForeignKey(
        "membership.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("membership granted"),
    )
    # A pass invoice: the pass it buys, fixed when it is issued (the subscription may move to
    # another pass before a late payment arrives). Null on pass invoices voided before 0002.
    plan = models.ForeignKey(
        "membership.Plan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pass bought"),
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        permissions = [("settle_invoice", _("Can mark an invoice paid, void or refund it"))]
        indexes = [
            models.Index(fields=["member", "-issued_at"], name="billing_invoice_member_issued")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reference"],
                condition=Q(status__in=["due", "paid"]),
                name="billing_invoice_reference_live_unique",
                violation_error_message=_("A live invoice already exists for that reference."),
            ),
            models.CheckConstraint(
                condition=Q(currency=CURRENCY),
                name="billing_invoice_currency_eur",
                violation_error_message=_("Invoices are in euros."),
            ),
            models.CheckConstraint(
                condition=Q(
                    subtotal_cents__gte=0,
                    points_used__gte=0,
                    discount_cents__gte=0,
                    total_cents__gte=0,
                ),
                name="billing_invoice_amounts_not_negative",
                violation_error_message=_("An invoice's amounts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(total_cents=F("subtotal_cents") - F("discount_cents")),
                name="billing_invoice_total_is_subtotal_less_discount",
                violation_error_message=_("The total is the subtotal less the discount."),
            ),
            models.CheckConstraint(
                condition=Q(status="due", paid_at__isnull=True, voided_at__isnull=True)
                | Q(status="paid", paid_at__isnull=False, voided_at__isnull=True)
                | Q(status="void", paid_at__isnull=True, voided_at__isnull=False)
                | Q(status="refunded", paid_at__isnull=False, refunded_at__isnull=False),
                name="billing_invoice_status_has_its_dates",
                violation_error_message=_("An invoice's status and its dates disagree."),
            ),
            models.CheckConstraint(
                condition=Q(refunded_at__isnull=True) | Q(status="refunded"),
                name="billing_invoice_refunded_at_only_when_refunded",
            ),
            models.CheckConstraint(
                condition=Q(purpose="pass", subscription__isnull=False)
                | ~Q(purpose="pass") & Q(subscription__isnull=True, membership__isnull=True),
                name="billing_invoice_pass_names_its_subscription",
            ),
            models.CheckConstraint(
                condition=Q(purpose="pass") | Q(plan__isnull=True),
                name="billing_invoice_plan_only_on_a_pass",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_paid(self) -> bool:
        return self.status == self.Status.PAID

    # The status moves only here, one transition per method, each from the one status it
    # leaves; the services lock the row and call these (billing/services/invoices.py).
    def mark_paid(self, *, at: datetime, provider_payment: str, paid_by: Any) -> None:
        assert self.status == self.Status.DUE, self.status
        self.status, self.paid_at, self.paid_by = self.Status.PAID, at, paid_by
        self.provider_payment = provider_payment or self.provider_payment
        self.save(update_fields=["status", "paid_at", "paid_by", "provider_payment"])

    def mark_void(self, *, at: datetime, reason: str) -> None:
        assert self.status == self.Status.DUE, self.status
        self.status, self.voided_at, self.void_reason = self.Status.VOID, at, reason
        self.save(update_fields=["status", "voided_at", "void_reason"])

    def mark_refunded(self, *, at: datetime, reason: str) -> None:
        assert self.status == self.Status.PAID, self.status
        self.status, self.refunded_at, self.refund_reason = self.Status.REFUNDED, at, reason
        self.save(update_fields=["status", "refunded_at", "refund_reason"])


class InvoiceLine(models.Model):
    """One line of an invoice, in order; ``cents`` is negative for a credit (a pass's cover)."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="lines", verbose_name=_("invoice")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    description = models.CharField(_("description"), max_length=300)
    cents = models.BigIntegerField(_("amount (cents)"))

    class Meta:
        ordering = ["invoice", "position"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "position"], name="billing_invoiceline_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.cents}"
