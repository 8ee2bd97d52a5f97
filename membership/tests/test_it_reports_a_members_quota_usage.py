"""``quota_usage``: the period's bounds, allowance and use, the pass that holds and the latest
uses, for the member's page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from members.models import User
from membership.selectors.quotas import quota_usage
from membership.services.quotas import quota_consume, quota_restore
from membership.tests.quotas_plans import DAY, NOW, STANDARD, grant

pytestmark = pytest.mark.django_db


def _consume(member: User, reference: str, now: datetime = NOW) -> None:
    quota_consume(member=member, reference=reference, service_tier="standard",
                  base_cents=STANDARD, standard_cents=STANDARD, now=now)  # fmt: skip


def test_a_member_with_no_case_sees_a_whole_allowance(buyer: User) -> None:
    usage = quota_usage(buyer, NOW)

    assert (usage.period, usage.allowance, usage.used, usage.left) == ("month", 1, 0, 1)
    assert usage.period_starts_at == datetime(2026, 3, 1, tzinfo=UTC)
    assert usage.period_ends_at == datetime(2026, 4, 1, tzinfo=UTC)
    assert usage.pass_held is None and usage.recent == ()


def test_the_usage_counts_this_months_cases_and_lists_the_latest(buyer: User) -> None:
    grant(buyer, "diamond", starts_at=NOW - 40 * DAY, ends_at=None)
    _consume(buyer, "submission:feb", NOW - 30 * DAY)
    _consume(buyer, "submission:a")
    _consume(buyer, "submission:b")
    quota_restore(reference="submission:b", reason="cancelled")

    usage = quota_usage(buyer, NOW)

    assert (usage.allowance, usage.used, usage.left) == (4, 1, 3)
    assert [u.reference for u in usage.recent] == ["submission:b", "submission:a", "submission:feb"]
    assert usage.recent[0].restored_at is not None


def test_a_pass_shows_with_its_plan_and_end(buyer: User) -> None:
    ends = NOW + 20 * DAY
    grant(buyer, "pass-monthly", starts_at=NOW - 3 * DAY, ends_at=ends)
    _consume(buyer, "submission:a")

    usage = quota_usage(buyer, NOW)

    assert usage.pass_held is not None
    assert (usage.pass_held.plan.code, usage.pass_held.ends_at) == ("pass-monthly", ends)
    assert usage.used == 0 and usage.recent[0].source == "pass"
    assert quota_usage(buyer, ends).pass_held is None


def test_an_annual_allowance_counts_the_calendar_year(buyer: User) -> None:
    plan = grant(buyer, "black", starts_at=NOW - 3 * DAY, ends_at=None).plan
    plan.free_appraisals, plan.free_appraisals_period = 30, "year"
    plan.save()
    _consume(buyer, "submission:jan", datetime(2026, 1, 5, tzinfo=UTC))  # before Black: Free's
    _consume(buyer, "submission:mar")

    usage = quota_usage(buyer, NOW)

    assert (usage.period, usage.allowance, usage.used) == ("year", 30, 1)
    assert usage.period_starts_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert usage.period_ends_at == datetime(2027, 1, 1, tzinfo=UTC)
