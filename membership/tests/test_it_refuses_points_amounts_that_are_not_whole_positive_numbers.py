"""Earning and spending refuse, with a clear code and message and without writing anything:
negative, zero, fractional and absurd amounts, a reference reused for another amount, an
unknown reason, an earning dated in the future and a spend beyond the balance. A reference
reused for the same amount is a redelivery and returns the first entry."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from members.models import User
from membership.models import EarnReason, PointsEntry
from membership.services.points import (
    POINTS_MAX_PER_ENTRY,
    PointsRefused,
    points_earn,
    points_restore,
    points_spend,
)
from membership.tests.points_ledger import assert_ledger_exact

pytestmark = pytest.mark.django_db

NOT_WHOLE_POSITIVE = [-5, 0, 2.5, 7.0, Decimal("3"), "7", True, None, POINTS_MAX_PER_ENTRY + 1]


@pytest.fixture
def earned(buyer: User) -> PointsEntry:
    return points_earn(
        member=buyer, points=20, reason=EarnReason.APPRAISAL_COMPLETED, reference="case-1"
    )


def _refusal(write: object, **kwargs: object) -> PointsRefused:
    before = PointsEntry.objects.count()
    with pytest.raises(PointsRefused) as refused:
        write(**kwargs)  # type: ignore[operator]
    assert PointsEntry.objects.count() == before
    assert refused.value.message
    return refused.value


@pytest.mark.parametrize("points", NOT_WHOLE_POSITIVE)
def test_earning_refuses_an_amount_that_is_not_a_whole_positive_number(
    buyer: User, earned: PointsEntry, points: object
) -> None:
    refused = _refusal(
        points_earn,
        member=buyer,
        points=points,
        reason=EarnReason.CSAT_ANSWERED,
        reference="csat-1",
    )
    assert refused.code == "invalid_amount"
    assert assert_ledger_exact(buyer).balance == 20


@pytest.mark.parametrize("points", NOT_WHOLE_POSITIVE)
def test_spending_refuses_an_amount_that_is_not_a_whole_positive_number(
    buyer: User, earned: PointsEntry, points: object
) -> None:
    refused = _refusal(points_spend, member=buyer, points=points, reference="fee-1")
    assert refused.code == "invalid_amount"
    assert assert_ledger_exact(buyer).balance == 20


def test_a_spend_beyond_the_balance_is_refused_and_says_what_is_there(
    buyer: User, stranger: User, earned: PointsEntry
) -> None:
    refused = _refusal(points_spend, member=buyer, points=21, reference="fee-1")
    assert refused.code == "insufficient_points"
    assert refused.message == "Not enough points: 20 available, 21 asked for."
    # A member who never earned anything has nothing to spend, and no account is made.
    assert _refusal(points_spend, member=stranger, points=1, reference="fee-1").code == (
        "insufficient_points"
    )
    assert not stranger.__class__.objects.filter(pk=stranger.pk, points_account__isnull=False)


def test_a_reference_reused_for_another_amount_is_refused(buyer: User, earned: PointsEntry) -> None:
    assert (
        _refusal(
            points_earn,
            member=buyer,
            points=21,
            reason=EarnReason.APPRAISAL_COMPLETED,
            reference="case-1",
        ).code
        == "reference_reused"
    )
    points_spend(member=buyer, points=5, reference="fee-1")
    assert _refusal(points_spend, member=buyer, points=6, reference="fee-1").code == (
        "reference_reused"
    )
    assert assert_ledger_exact(buyer).balance == 15


def test_a_redelivered_earning_or_spend_returns_the_first_entry(
    buyer: User, earned: PointsEntry
) -> None:
    again = points_earn(
        member=buyer, points=20, reason=EarnReason.APPRAISAL_COMPLETED, reference="case-1"
    )
    spent = points_spend(member=buyer, points=5, reference="fee-1")

    assert again.pk == earned.pk
    assert points_spend(member=buyer, points=5, reference="fee-1").pk == spent.pk
    assert assert_ledger_exact(buyer).balance == 15


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("reason", "gift_from_a_friend", "invalid_reason"),
        ("reference", "", "invalid_reference"),
        ("reference", "   ", "invalid_reference"),
        ("reference", "x" * 201, "invalid_reference"),
        ("earned_at", "tomorrow", "earned_in_future"),
        ("earned_at", "naive", "invalid_date"),
        ("earned_at", "2026-01-01", "invalid_date"),
    ],
)
def test_an_earning_with_a_bad_reason_reference_or_date_is_refused(
    buyer: User, field: str, value: str, code: str
) -> None:
    kwargs: dict[str, object] = {
        "member": buyer,
        "points": 5,
        "reason": EarnReason.CSAT_ANSWERED,
        "reference": "csat-1",
        field: {
            "tomorrow": timezone.now() + timedelta(days=1),
            "naive": datetime(2026, 1, 1, 12),
        }.get(value, value),
    }
    assert _refusal(points_earn, **kwargs).code == code


def test_giving_back_a_spend_that_never_happened_is_refused(
    buyer: User, earned: PointsEntry
) -> None:
    assert _refusal(points_restore, member=buyer, reference="fee-404").code == "unknown_spend"
