"""Appraisal quotas: the free appraisals a member has each period, and which cases a pass or a
free appraisal covered.

A ``QuotaPeriod`` is one member's counter for one calendar period (a month or a year, in the
site's time zone): how many free appraisals it allows and how many are used. A ``QuotaUse`` is
one case (by its reference, ``submission:<uid hex>``) covered by the member's pass or by one of
the period's free appraisals, with what that covered, so a restore gives back exactly that.

How the database keeps it exact (migration 0006_quotas adds what Django can't express):

- a period's ``used`` stays between 0 and its ``allowance`` (CHECKs), and the services lock
  the period row (``SELECT … FOR UPDATE``) before they count, so concurrent cases can't take
  more free appraisals than there are;
- at commit, a deferred constraint trigger checks that ``used`` equals the period's active
  (unrestored) free-appraisal uses, so a stray write to either side fails loudly;
- a reference has at most one active use (a partial unique index): a case consumes once;
- uses are never deleted, and an update may only restore: set ``restored_at`` and its reason
  once, changing nothing else (a trigger);
- a use belongs to its period's member, and a pass use names the pass membership that covered
  it (CHECK and trigger).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from membership.models.plans import Membership, Plan


class QuotaSource(models.TextChoices):
    PASS = "pass", _("Pass")
    FREE = "free", _("Free appraisal")


class ServiceTier(models.TextChoices):
    """A case's service tiers, as appraisals names them (membership may not import it)."""

    STANDARD = "standard", _("Standard")
    PRIORITY = "priority", _("Priority")
    EXPRESS = "express", _("Express")


class QuotaPeriod(models.Model):
    """A member's free appraisals for one calendar period: ``used`` of ``allowance``.

    Every consumption locks this row, also when a pass covers the case, so it is the member's
    lock for quota work. ``allowance`` follows the member's benefits when a case is consumed
    (a tier earned mid-month raises it), never below what is already used.
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="quota_periods",
        verbose_name=_("member"),
    )
    period = models.CharField(_("period"), max_length=8, choices=Plan.Period.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    allowance = models.IntegerField(_("free appraisals allowed"))
    used = models.IntegerField(_("free appraisals used"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["member", "-starts_at", "-id"]
        verbose_name = _("quota period")
        verbose_name_plural = _("quota periods")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "period", "starts_at"], name="membership_quota_period_once"
            ),
            models.CheckConstraint(
                condition=Q(used__gte=0), name="membership_quota_used_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(used__lte=F("allowance")), name="membership_quota_used_within_allowance"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="membership_quota_period_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.starts_at:%Y-%m-%d} · {self.used}/{self.allowance}"

    @property
    def left(self) -> int:
        return self.allowance - self.used


class QuotaUse(models.Model):
    """One case covered by a pass or a free appraisal; restored at most once, never deleted."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="quota_uses",
        verbose_name=_("member"),
    )
    quota_period = models.ForeignKey(
        QuotaPeriod, on_delete=models.PROTECT, related_name="uses", verbose_name=_("period")
    )
    # The case: ``submission:<uid hex>``, the same reference as its fee invoice.
    reference = models.CharField(_("reference"), max_length=200)
    source = models.CharField(_("covered by"), max_length=8, choices=QuotaSource.choices)
    # The membership whose plan gives unlimited basic appraisals (a pass) that covered the case.
    membership = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quota_uses",
        verbose_name=_("pass"),
    )
    service_tier = models.CharField(_("service tier"), max_length=16, choices=ServiceTier.choices)
    base_cents = models.BigIntegerField(_("service tier price (cents)"))
    covered_cents = models.BigIntegerField(_("covered (cents)"))
    created_at = models.DateTimeField(_("consumed at"), db_index=True)
    restored_at = models.DateTimeField(_("restored at"), null=True, blank=True)
    restore_reason = models.CharField(_("restore reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("quota use")
        verbose_name_plural = _("quota uses")
        constraints = [
            models.UniqueConstraint(
                fields=["reference"],
                condition=Q(restored_at__isnull=True),
                name="membership_quota_use_active_reference_once",
            ),
            models.CheckConstraint(
                condition=Q(covered_cents__gte=0, base_cents__gte=F("covered_cents")),
                name="membership_quota_use_covers_within_price",
            ),
            models.CheckConstraint(
                condition=Q(source=QuotaSource.PASS, membership__isnull=False)
                | Q(source=QuotaSource.FREE, membership__isnull=True),
                name="membership_quota_use_pass_names_membership",
            ),
            models.CheckConstraint(
                condition=Q(restored_at__isnull=True, restore_reason="")
                | (Q(restored_at__isnull=False) & ~Q(restore_reason="")),
                name="membership_quota_use_restore_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["member", "-created_at"], name="quota_use_member_recent")]

    def __str__(self) -> str:
        return f"{self.reference} · {self.get_source_display()}"

    @property
    def price_cents(self) -> int:
        return self.base_cents - self.covered_cents

    @property
    def is_active(self) -> bool:
        return self.restored_at is None
