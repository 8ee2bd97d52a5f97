"""The points ledger: one account per member, an append-only list of entries, and which earned
lot each spend, expiry or restore moved points in or out of.

How the database keeps it exact (migration 0001_points adds what Django can't express):

- ``PointsAccount.balance`` has a CHECK ``balance >= 0``.
- Entries and allocations are append-only: a trigger refuses any UPDATE or DELETE of them.
- The balance is the sum of the account's entries. Services change the balance with the entry
  in the same transaction (account row locked); a DEFERRABLE INITIALLY DEFERRED constraint
  trigger on every entry insert and every account insert or update checks, at commit, that
  ``balance = SUM(points)``. A deferred check rather than a trigger that maintains the balance,
  so the balance stays an ordinary column the services write and a stray write to either side
  fails loudly instead of being silently absorbed.
- An allocation's lot is an earned entry of the same account, a lot's remainder stays between
  zero and what it earned (checked on each allocation insert), and an entry's allocations add up
  to its points (checked at commit).

Expiry reads only ``expires_at``, which every earned entry has (a CHECK), whatever its reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PointsKind(models.TextChoices):
    EARNED = "earned", _("Earned")
    SPENT = "spent", _("Spent")
    EXPIRED = "expired", _("Expired")
    # A spend given back (a cancelled case): to the lots it took from, with their expiry.
    RESTORED = "restored", _("Restored")


class EarnReason(models.TextChoices):
    APPRAISAL_COMPLETED = "appraisal_completed", _("Completed appraisal")
    CSAT_ANSWERED = "csat_answered", _("Answered satisfaction question")
    CONTRIBUTION_ACCEPTED = "contribution_accepted", _("Accepted community contribution")


class PointsAccount(models.Model):
    """A member's points: ``balance`` is always the sum of the account's entries."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="points_account"
    )
    balance = models.BigIntegerField(_("balance"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="membership_points_balance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.balance}"


class PointsEntry(models.Model):
    """One line of a member's points ledger; never changed or deleted once written.

    ``points`` is signed: positive for earned and restored, negative for spent and expired.
    An earned entry is a lot, with its own ``expires_at``.
    """

    account = models.ForeignKey(
        PointsAccount, on_delete=models.PROTECT, related_name="entries", verbose_name=_("account")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PointsKind.choices)
    points = models.IntegerField(_("points"))
    # Idempotency: the id of what caused the entry (an appraisal, a fee, a lot's expiry).
    reference = models.CharField(_("reference"), max_length=200)
    reason = models.CharField(_("reason"), max_length=32, choices=EarnReason.choices, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    restores = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="restorations"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind", "reference"],
                name="membership_points_entry_reference_unique",
            ),
            # A spend is given back at most once.
            models.UniqueConstraint(
                fields=["restores"], name="membership_points_entry_restores_once"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=[PointsKind.EARNED, PointsKind.RESTORED], points__gt=0)
                    | Q(kind__in=[PointsKind.SPENT, PointsKind.EXPIRED], points__lt=0)
                ),
                name="membership_points_entry_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=PointsKind.EARNED, expires_at__isnull=False) & ~Q(reason="")
                    | ~Q(kind=PointsKind.EARNED) & Q(expires_at__isnull=True, reason="")
                ),
                name="membership_points_entry_lot_has_expiry_and_reason",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=PointsKind.RESTORED, restores__isnull=False)
                    | ~Q(kind=PointsKind.RESTORED) & Q(restores__isnull=True)
                ),
                name="membership_points_entry_restore_names_its_spend",
            ),
        ]
        indexes = [models.Index(fields=["account", "kind", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points:+d} ({self.reference})"


class PointsAllocation(models.Model):
    """``points`` moved out of (spent, expired) or back into (restored) one earned ``lot`` by
    ``entry``; a lot's remainder is exact, and expiry writes off exactly that."""

    entry = models.ForeignKey(
        PointsEntry, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("entry")
    )
    lot = models.ForeignKey(
        PointsEntry, on_delete=models.PROTECT, related_name="drawn", verbose_name=_("lot")
    )
    points = models.IntegerField(_("points"))

    class Meta:
        verbose_name = _("points allocation")
        verbose_name_plural = _("points allocations")
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gt=0), name="membership_points_allocation_positive"
            ),
            models.UniqueConstraint(
                fields=["entry", "lot"], name="membership_points_allocation_once_per_lot"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.points} · lot {self.lot_id}"
