"""Plans and tiers as data, a member's plans over time, and the spend that earns a tier.

A ``Plan`` is what staff edit in the admin: Free, a paid pass (monthly or annual) and the tiers
(Black card, Diamond), each with its benefits. A ``Membership`` is one member holding one plan
from ``starts_at`` until ``ends_at`` (open-ended when null). A ``Spend`` is a paid fee that
counts towards a tier (``membership/tiers.py`` holds the rule).

What the database guarantees (migration 0002_plans adds what Django can't express):

- prices, thresholds and multipliers are sane (CHECKs below);
- a membership's ``kind`` is its plan's kind: a composite foreign key to ``(plan.id,
  plan.kind)``, so the no-overlap rule below cannot be dodged by a wrong copy;
- a member's memberships of one kind never overlap in time: an exclusion constraint over
  ``tstzrange(starts_at, ends_at, '[)')`` (btree_gist), so an earned tier that ends at the
  instant the next begins does not overlap it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from authplatform.localized import localized_text

CURRENCY = "EUR"


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class Plan(models.Model):
    """A plan or tier with its benefits and price; staff edit these rows in the admin."""

    class Kind(models.TextChoices):
        FREE = "free", _("Free")
        PASS = "pass", _("Pass")
        # Not the service tier of a case (standard, express), which "Tier" alone means elsewhere.
        TIER = "tier", pgettext_lazy("plan kind", "Tier")

    class Interval(models.TextChoices):
        NONE = "none", _("None")
        MONTH = "month", _("Month")
        YEAR = "year", _("Year")

    class Period(models.TextChoices):
        MONTH = "month", _("Month")
        YEAR = "year", _("Year")

    class Template(models.TextChoices):
        STANDARD = "standard", _("Standard")
        EXCLUSIVE = "exclusive", _("Exclusive")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_zh_hans = models.CharField(
        _("name in Simplified Chinese"),
        max_length=120,
        blank=True,
        help_text=_("Shown to readers who chose 简体中文; leave empty to show the English name."),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    free_appraisals = models.PositiveIntegerField(_("free appraisals per period"), default=0)
    free_appraisals_period = models.CharField(
        _("free appraisals period"), max_length=8, choices=Period.choices, default=Period.MONTH
    )
    unlimited_basic_appraisals = models.BooleanField(_("unlimited basic appraisals"), default=False)
    # Higher is sooner: the expert queue orders by it (Diamond first).
    review_priority = models.PositiveSmallIntegerField(_("review priority"), default=0)
    # Null: no promise beyond the service tier's own turnaround.
    sla_hours = models.PositiveSmallIntegerField(
        _("expert response SLA (hours)"), null=True, blank=True
    )
    dispute_fee_waived = models.BooleanField(_("dispute fee waived"), default=False)
    guarantee_multiplier = models.DecimalField(
        _("guarantee cap multiplier"), max_digits=4, decimal_places=2, default=Decimal("1.00")
    )
    report_template = models.CharField(
        _("report template"), max_length=10, choices=Template.choices, default=Template.STANDARD
    )
    # What the last 12 months' spend must reach to earn this tier; null for other kinds.
    spend_threshold_cents = models.BigIntegerField(
        _("spend threshold (cents)"), null=True, blank=True
    )
    price_cents = models.BigIntegerField(_("price (cents)"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default=CURRENCY, editable=False)
    billing_interval = models.CharField(
        _("billing interval"), max_length=8, choices=Interval.choices, default=Interval.NONE
    )
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            # The target of Membership's composite foreign key (plan_id, kind).
            models.UniqueConstraint(fields=["id", "kind"], name="plan_id_kind_unique"),
            models.CheckConstraint(
                condition=Q(price_cents__gte=0),
                name="plan_price_not_negative",
                violation_error_message=_("A price cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(spend_threshold_cents__isnull=True) | Q(spend_threshold_cents__gte=0),
                name="plan_threshold_not_negative",
                violation_error_message=_("A spend threshold cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(guarantee_multiplier__gte=Decimal("1")),
                name="plan_multiplier_at_least_one",
                violation_error_message=_("The guarantee cap multiplier is at least 1."),
            ),
            models.CheckConstraint(
                condition=Q(sla_hours__isnull=True) | Q(sla_hours__gt=0),
                name="plan_sla_positive",
                violation_error_message=_("An SLA is at least one hour."),
            ),
            models.CheckConstraint(
                condition=Q(currency=CURRENCY),
                name="plan_currency_eur",
                violation_error_message=_("Prices are in euros."),
            ),
            models.CheckConstraint(
                condition=Q(kind="tier", spend_threshold_cents__isnull=False)
                | ~Q(kind="tier") & Q(spend_threshold_cents__isnull=True),
                name="plan_threshold_only_for_a_tier",
                violation_error_message=_(
                    "A tier needs a spend threshold, and only a tier has one."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind="pass", price_cents__gt=0, billing_interval__in=["month", "year"])
                | ~Q(kind="pass"),
                name="plan_pass_has_price_and_interval",
                violation_error_message=_(
                    "A pass needs a price and a monthly or yearly billing interval."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def local_name(self) -> str:
        """The plan's name in the reader's language (the English one until staff give one)."""
        return localized_text(self.name, self.name_zh_hans)


class Membership(models.Model):
    """One member holding one plan from ``starts_at`` until ``ends_at`` (null: open-ended)."""

    class Source(models.TextChoices):
        SIGNUP = "signup", _("Signup")
        PURCHASE = "purchase", _("Purchase")
        EARNED = "earned", _("Earned by spend")
        STAFF = "staff", _("Granted by staff")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("member"),
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("plan")
    )
    # A copy of plan.kind, held equal by a composite foreign key: the no-overlap rule needs it
    # on this row.
    kind = models.CharField(_("kind"), max_length=8, choices=Plan.Kind.choices, editable=False)
    starts_at = models.DateTimeField(_("starts at"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["member", "-starts_at", "-id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [models.Index(fields=["kind", "ends_at"], name="membership_kind_ends")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="membership_ends_after_start",
                violation_error_message=_("A membership must end after it starts."),
            ),
            ExclusionConstraint(
                name="membership_no_overlap_per_kind",
                violation_error_message=_(
                    "The member already holds a plan of that kind in that time."
                ),
                expressions=[
                    ("member", RangeOperators.EQUAL),
                    ("kind", RangeOperators.EQUAL),
                    (
                        TsTzRange("starts_at", "ends_at", RangeBoundary()),
                        RangeOperators.OVERLAPS,
                    ),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} for {self.member_id} from {self.starts_at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.kind = self.plan.kind
        super().save(*args, **kwargs)


class SpendQuerySet(models.QuerySet["Spend"]):
    def counting(self) -> SpendQuerySet:
        """The spends that count towards a tier: all but those whose payment was reversed."""
        return self.filter(reversed_at__isnull=True)


class Spend(models.Model):
    """A paid fee that counts towards a tier; billing records it once, by its reference, and
    marks it reversed when the fee is refunded or charged back (it then counts nowhere)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="spends",
        verbose_name=_("member"),
    )
    cents = models.BigIntegerField(_("amount (cents)"))
    currency = models.CharField(_("currency"), max_length=3, default=CURRENCY)
    occurred_at = models.DateTimeField(_("occurred at"))
    reference = models.CharField(_("reference"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)

    objects = SpendQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("spend")
        verbose_name_plural = _("spends")
        indexes = [models.Index(fields=["member", "occurred_at"], name="spend_member_occurred")]
        constraints = [
            models.CheckConstraint(condition=Q(cents__gt=0), name="spend_cents_positive"),
            models.CheckConstraint(condition=Q(currency=CURRENCY), name="spend_currency_eur"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.cents} {self.currency}"
