"""The membership app's models, one module per part of the domain."""

from membership.models.plans import Membership, Plan, Spend
from membership.models.points import (
    EarnReason,
    PointsAccount,
    PointsAllocation,
    PointsEntry,
    PointsKind,
)

__all__ = [
    "EarnReason",
    "Membership",
    "Plan",
    "PointsAccount",
    "PointsAllocation",
    "PointsEntry",
    "PointsKind",
    "Spend",
]
