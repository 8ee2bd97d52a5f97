"""What an appraisal costs, in one readable place: a price per service tier, per category
where it differs, in euro cents.

A pure policy like ``appraisals/routing.py``: frozen input and output, no database, settings
read only in ``PricingPolicy.from_settings`` (``PRICE_CENTS_*``). Money is an integer number
of cents, never a float; ``price_format`` writes it for the reader's language. Discounts
(memberships, partners) build on ``appraisal_price``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

CURRENCY = "EUR"
DEFAULT_TIER_CENTS: Mapping[str, int] = MappingProxyType(
    {"standard": 2900, "priority": 4400, "express": 5900}
)
# Watches take longer to examine (caseback, movement, engraving): they cost more.
DEFAULT_CATEGORY_CENTS: Mapping[str, Mapping[str, int]] = MappingProxyType(
    {"watch": MappingProxyType({"standard": 3900, "priority": 5900, "express": 7900})}
)


class UnknownTier(ValueError):
    """No price is set for this tier: a tier the policy was never told about."""


@dataclass(frozen=True)
class Money:
    """An amount in the smallest unit of its currency (cents for EUR)."""

    cents: int
    currency: str = CURRENCY

    @property
    def amount(self) -> Decimal:
        return Decimal(self.cents) / 100


@dataclass(frozen=True)
class PricingPolicy:
    """The price of each tier (``tier_cents``), and per category slug where it differs."""

    tier_cents: Mapping[str, int] = field(default_factory=lambda: DEFAULT_TIER_CENTS)
    category_cents: Mapping[str, Mapping[str, int]] = field(
        default_factory=lambda: DEFAULT_CATEGORY_CENTS
    )

    def __post_init__(self) -> None:
        prices = [*self.tier_cents.values()]
        prices += [c for tiers in self.category_cents.values() for c in tiers.values()]
        if any(not isinstance(c, int) or isinstance(c, bool) or c < 0 for c in prices):
            raise ValueError("Prices are whole, non-negative numbers of cents.")

    @classmethod
    def from_settings(cls) -> PricingPolicy:
        from django.conf import settings

        return cls(
            tier_cents={
                "standard": settings.PRICE_CENTS_STANDARD,
                "priority": settings.PRICE_CENTS_PRIORITY,
                "express": settings.PRICE_CENTS_EXPRESS,
            },
            category_cents=settings.PRICE_CENTS_BY_CATEGORY,
        )


@dataclass(frozen=True)
class PriceInput:
    tier: str  # "standard" | "priority" | "express"
    category_slug: str


def appraisal_price(case: PriceInput, policy: PricingPolicy) -> Money:
    """The price of one appraisal; raises ``UnknownTier`` for a tier without a price."""
    by_category = policy.category_cents.get(case.category_slug, {})
    if case.tier in by_category:
        return Money(by_category[case.tier])
    if case.tier in policy.tier_cents:
        return Money(policy.tier_cents[case.tier])
    raise UnknownTier(case.tier)


def price_format(money: Money, *, language: str | None = None) -> str:
    """``money`` as the reader's language writes it, e.g. "€29.00" (two decimals, grouped;
    the sign's place is a translatable pattern). One formatter for every amount a reader sees:
    membership's, which sits below appraisals."""
    from membership.money import cents_format

    return cents_format(money.cents, currency=money.currency, language=language)
