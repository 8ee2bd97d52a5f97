"""A member's pass subscription: which pass they buy, whether it renews, and the membership
it paid for last. One live subscription per member (a partial unique constraint)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PassSubscription(models.Model):
    """A member buying a pass, period after period, until they cancel or it lapses."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="pass_subscriptions",
        verbose_name=_("member"),
    )
    plan = models.ForeignKey(
        "membership.Plan",
        on_delete=models.PROTECT,
        related_name="pass_subscriptions",
        verbose_name=_("pass"),
        limit_choices_to={"kind": "pass"},
    )
    renews = models.BooleanField(_("renews"), default=True)
    # The membership the last paid invoice granted; null until the first one is paid.
    membership = models.ForeignKey(
        "membership.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current membership"),
    )
    # Null while live; set when it was cancelled and its last period ended, or replaced.
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pass subscription")
        verbose_name_plural = _("pass subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(ended_at__isnull=True),
                name="billing_passsubscription_one_live_per_member",
                violation_error_message=_("The member already has a live pass subscription."),
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | Q(renews=False),
                name="billing_passsubscription_cancelled_does_not_renew",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} for {self.member_id}"
