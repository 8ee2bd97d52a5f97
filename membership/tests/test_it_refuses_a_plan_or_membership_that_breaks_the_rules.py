"""The database holds the plans' rules, whatever the code path: no negative price or threshold,
no multiplier below 1, a tier has a threshold, a pass has a price and a billing interval, and a
member's memberships of one kind never overlap in time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from members.models import User
from membership.models import Membership, Plan

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)


def _plan(**fields: Any) -> Plan:
    return Plan.objects.create(**{"code": "test", "name": "Test", "kind": "free"} | fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"price_cents": -1},
        {"guarantee_multiplier": Decimal("0.99")},
        {"kind": "tier"},  # without a threshold
        {"kind": "tier", "spend_threshold_cents": -1},
        {"spend_threshold_cents": 100_000},  # a threshold on a plan that is not a tier
        {"kind": "pass", "billing_interval": "month"},  # without a price
        {"kind": "pass", "price_cents": 1900},  # without an interval
        {"sla_hours": 0},
    ],
)
def test_the_database_refuses_a_plan_that_breaks_a_rule(fields: dict[str, Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        _plan(**fields)


def test_a_plan_within_the_rules_is_accepted() -> None:
    plan = _plan(kind="tier", spend_threshold_cents=0, guarantee_multiplier=Decimal("1.00"))

    assert plan.pk is not None


def _hold(member: User, code: str, starts_at: datetime, ends_at: datetime | None) -> Membership:
    plan = Plan.objects.get(code=code)
    return Membership.objects.create(
        member=member, plan=plan, starts_at=starts_at, ends_at=ends_at, source="staff"
    )


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [
        (T0 + 5 * DAY, T0 + 6 * DAY),  # inside
        (T0 - DAY, T0 + DAY),  # across the start
        (T0 + 9 * DAY, None),  # open-ended, from inside
        (T0 - 9 * DAY, None),  # open-ended, from before
    ],
)
def test_two_memberships_of_one_kind_may_not_overlap(
    buyer: User, starts_at: datetime, ends_at: datetime | None
) -> None:
    _hold(buyer, "black", T0, T0 + 10 * DAY)

    # Another tier (Diamond), not only the same plan.
    with pytest.raises(IntegrityError), transaction.atomic():
        _hold(buyer, "diamond", starts_at, ends_at)


def test_memberships_that_meet_end_to_start_or_differ_in_kind_or_member_may(
    buyer: User, stranger: User
) -> None:
    _hold(buyer, "black", T0, T0 + 10 * DAY)

    _hold(buyer, "diamond", T0 + 10 * DAY, None)
    _hold(buyer, "pass-annual", T0, T0 + 365 * DAY)
    _hold(stranger, "black", T0, None)

    assert Membership.objects.count() == 4


def test_a_membership_must_end_after_it_starts(buyer: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        _hold(buyer, "black", T0, T0)


def test_a_memberships_kind_is_its_plans_kind(buyer: User) -> None:
    row = _hold(buyer, "black", T0, None)

    # The copy the no-overlap rule reads cannot be made to lie, even by a bulk update.
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(pk=row.pk).update(kind="pass")
