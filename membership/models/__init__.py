"""The membership app's models, one module per part of the domain."""

from membership.models.credit import CreditSignal, CreditSignalKind
from membership.models.plans import Membership, Plan, Spend
from membership.models.points import (
    EarnReason,
    PointsAccount,
    PointsAllocation,
    PointsEntry,
    PointsKind,
)
from membership.models.quotas import QuotaPeriod, QuotaSource, QuotaUse, ServiceTier

__all__ = [
    "CreditSignal",
    "CreditSignalKind",
    "EarnReason",
    "Membership",
    "Plan",
    "PointsAccount",
    "PointsAllocation",
    "PointsEntry",
    "PointsKind",
    "QuotaPeriod",
    "QuotaSource",
    "QuotaUse",
    "ServiceTier",
    "Spend",
]
