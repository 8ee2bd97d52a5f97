"""Cases race for free appraisals on real PostgreSQL, each thread on its own connection: 50
cases against 2 a month let exactly 2 through; 20 deliveries of one case consume once; 20
restores of one case give back once."""

from __future__ import annotations

import pytest
from django.db import connection

from members.models import User
from membership.models import Plan, QuotaPeriod, QuotaUse
from membership.services.quotas import quota_consume, quota_restore
from membership.tests.quotas_ledger import assert_quota_exact
from membership.tests.quotas_plans import DAY, NOW, STANDARD
from tests.racing import race

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_a_month(buyer: User) -> User:
    """The buyer on a tier of 2 free appraisals a month (its own plan: a transactional test
    may run after another has flushed the seeded ones)."""
    from membership.models import Membership
    from membership.services.plans import membership_grant

    plan = Plan.objects.create(
        code="two-a-month",
        name="Two a month",
        kind=Plan.Kind.TIER,
        free_appraisals=2,
        spend_threshold_cents=100_000,
    )
    Plan.objects.filter(kind=Plan.Kind.FREE).update(free_appraisals=1)
    membership_grant(member=buyer, plan=plan, starts_at=NOW - DAY, source=Membership.Source.STAFF)
    return buyer


def _consume(member: User, reference: str) -> QuotaUse | None:
    return quota_consume(
        member=member,
        reference=reference,
        service_tier="standard",
        base_cents=STANDARD,
        standard_cents=STANDARD,
        now=NOW,
    )


def test_fifty_concurrent_cases_against_two_a_month_let_two_through(two_a_month: User) -> None:
    assert connection.vendor == "postgresql"

    outcomes, errors = race(50, lambda i: _consume(two_a_month, f"submission:{i}"))

    assert errors == []
    covered = [use for use in outcomes if use is not None]
    assert len(covered) == 2 and len(outcomes) == 50
    assert QuotaUse.objects.filter(member=two_a_month).count() == 2
    period = QuotaPeriod.objects.get(member=two_a_month)
    assert (period.allowance, period.used) == (2, 2)
    assert_quota_exact(two_a_month)


def test_twenty_deliveries_of_one_case_consume_once(two_a_month: User) -> None:
    outcomes, errors = race(20, lambda i: _consume(two_a_month, "submission:same"))

    assert errors == []
    assert len({use.pk for use in outcomes}) == 1
    assert QuotaPeriod.objects.get(member=two_a_month).used == 1
    assert_quota_exact(two_a_month)


def test_twenty_restores_of_one_case_give_back_once(two_a_month: User) -> None:
    _consume(two_a_month, "submission:a")
    _consume(two_a_month, "submission:b")

    outcomes, errors = race(
        20, lambda i: quota_restore(reference="submission:a", reason=f"cancelled {i}")
    )

    assert errors == []
    assert len({use.pk for use in outcomes}) == 1
    assert len({use.restore_reason for use in outcomes}) == 1  # the first one, kept
    assert QuotaPeriod.objects.get(member=two_a_month).used == 1
    assert_quota_exact(two_a_month)


def test_consumes_and_restores_mixed_keep_the_count(two_a_month: User) -> None:
    """Half the threads consume new cases, half restore earlier ones, all at once."""
    _consume(two_a_month, "submission:old-0")
    _consume(two_a_month, "submission:old-1")

    def work(i: int) -> QuotaUse | None:
        if i % 2:
            return quota_restore(reference=f"submission:old-{i % 4 // 2}", reason="cancelled")
        return _consume(two_a_month, f"submission:new-{i}")

    _outcomes, errors = race(30, work)

    assert errors == []
    assert QuotaUse.objects.filter(restored_at__isnull=False).count() == 2
    active = QuotaUse.objects.filter(member=two_a_month, restored_at__isnull=True).count()
    assert active == QuotaPeriod.objects.get(member=two_a_month).used <= 2
    assert_quota_exact(two_a_month)
