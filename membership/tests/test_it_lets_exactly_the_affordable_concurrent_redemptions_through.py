"""Members race for one balance on real PostgreSQL, each thread on its own connection: 50
redemptions of 7 points from 100 let exactly 14 through, and 20 deliveries of one earning
event credit it once. The race peers lost (check, then write) can't happen here."""

from __future__ import annotations

import pytest
from django.db import connection

from members.models import User
from membership.models import EarnReason, PointsEntry, PointsKind
from membership.selectors.points import points_balance
from membership.services.points import PointsRefused, points_earn, points_spend
from membership.tests.points_ledger import assert_ledger_exact
from tests.racing import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_fifty_concurrent_redemptions_of_seven_from_a_hundred_let_fourteen_through(
    buyer: User,
) -> None:
    assert connection.vendor == "postgresql"
    points_earn(member=buyer, points=60, reason=EarnReason.APPRAISAL_COMPLETED, reference="a-1")
    points_earn(member=buyer, points=40, reason=EarnReason.CSAT_ANSWERED, reference="csat-1")

    spent, refused = race(50, lambda i: points_spend(member=buyer, points=7, reference=f"fee-{i}"))

    assert len(spent) == 14
    # Each refusal is the service's own, not a database error caught too late.
    assert len(refused) == 36
    assert {getattr(error, "code", error) for error in refused} == {"insufficient_points"}
    assert all(isinstance(error, PointsRefused) for error in refused)
    account = assert_ledger_exact(buyer)
    assert account.balance == 2 == points_balance(buyer)
    assert PointsEntry.objects.filter(kind=PointsKind.SPENT).count() == 14


def test_twenty_deliveries_of_one_earning_event_credit_it_once(buyer: User) -> None:
    points_earn(member=buyer, points=5, reason=EarnReason.CSAT_ANSWERED, reference="csat-1")

    earned, errors = race(
        20,
        lambda i: points_earn(
            member=buyer, points=25, reason=EarnReason.APPRAISAL_COMPLETED, reference="case-9"
        ),
    )

    assert errors == []
    assert len(earned) == 20 and len({lot.pk for lot in earned}) == 1
    account = assert_ledger_exact(buyer)
    assert account.balance == 30
    assert PointsEntry.objects.filter(reference="case-9").count() == 1


def test_twenty_concurrent_spends_of_the_whole_balance_let_one_through(buyer: User) -> None:
    # The peers' failure: 20 gifts of 100 from a 100-point balance.
    points_earn(member=buyer, points=100, reason=EarnReason.CSAT_ANSWERED, reference="c-1")

    spent, refused = race(
        20, lambda i: points_spend(member=buyer, points=100, reference=f"fee-{i}")
    )

    assert len(spent) == 1 and len(refused) == 19
    assert {getattr(error, "code", error) for error in refused} == {"insufficient_points"}
    assert assert_ledger_exact(buyer).balance == 0
