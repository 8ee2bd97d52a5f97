"""What a member's plans give them now (``membership_current``): for each benefit, the best of
Free, their pass and their tier; and the tier rule shown to them with their progress
(``tier_rule_for``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from members.models import User
from membership.models import Membership, Plan
from membership.selectors.plans import membership_current, tier_rule_for
from membership.services.plans import membership_grant, spend_record
from membership.tiers import months_add

pytestmark = pytest.mark.django_db

NOW = datetime(2023, 6, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _grant(member: User, code: str, *, days_ago: int = 10, days_left: int | None = 30) -> None:
    membership_grant(
        member=member,
        plan=Plan.objects.get(code=code),
        starts_at=NOW - days_ago * DAY,
        ends_at=NOW + days_left * DAY if days_left is not None else None,
        source=Membership.Source.PURCHASE,
    )


def test_a_member_with_no_plan_has_free(buyer: User) -> None:
    benefits = membership_current(buyer, NOW)

    assert [p.code for p in benefits.plans] == ["free"]
    assert (benefits.free_appraisals, benefits.free_appraisals_period) == (1, "month")
    assert not benefits.unlimited_basic_appraisals and not benefits.dispute_fee_waived
    assert (benefits.review_priority, benefits.sla_hours) == (0, None)
    assert benefits.guarantee_multiplier == Decimal("1.00")
    assert benefits.report_template == "standard"


def test_the_annual_pass_and_black_give_the_best_of_each(buyer: User) -> None:
    _grant(buyer, "pass-annual")
    _grant(buyer, "black")

    benefits = membership_current(buyer, NOW)

    assert [p.code for p in benefits.plans] == ["free", "pass-annual", "black"]
    assert benefits.unlimited_basic_appraisals  # the pass
    assert benefits.report_template == "exclusive"  # the annual pass
    assert benefits.review_priority == 20  # Black's, above the pass's 10
    assert benefits.sla_hours == 24  # Black's; the pass promises none of its own
    assert benefits.dispute_fee_waived  # Black
    assert benefits.guarantee_multiplier == Decimal("2.00")
    assert (benefits.free_appraisals, benefits.free_appraisals_period) == (2, "month")


def test_diamond_outranks_everything(buyer: User) -> None:
    _grant(buyer, "pass-monthly")
    _grant(buyer, "diamond")

    benefits = membership_current(buyer, NOW)

    assert (benefits.review_priority, benefits.sla_hours) == (30, 6)
    assert benefits.guarantee_multiplier == Decimal("3.00")
    assert benefits.report_template == "exclusive"


def test_a_plan_that_ended_or_has_not_begun_gives_nothing(buyer: User) -> None:
    _grant(buyer, "pass-annual", days_ago=40, days_left=-1)
    _grant(buyer, "diamond", days_ago=-1, days_left=None)

    benefits = membership_current(buyer, NOW)

    assert [p.code for p in benefits.plans] == ["free"]
    assert not benefits.unlimited_basic_appraisals


def test_the_member_reads_the_rule_and_how_far_they_are(buyer: User) -> None:
    spend_record(member=buyer, cents=25_000, reference="inv-1", occurred_at=NOW - 30 * DAY)

    rule = tier_rule_for(buyer, NOW)

    assert rule.text == (
        "A tier is earned by what you spend in 12 months, and held for 12 months from the day "
        "you earn it. Spend €1,000.00 in 12 months to reach Black card; you have spent €250.00 "
        "since June 1, 2022."
    )
    assert (rule.window_cents, rule.cents_to_next) == (25_000, 75_000)
    assert rule.next_tier is not None and rule.next_tier.code == "black"
    assert rule.held is None


def test_a_member_holding_black_reads_when_it_ends_and_what_keeps_it(buyer: User) -> None:
    black = Plan.objects.get(code="black")
    membership_grant(member=buyer, plan=black, starts_at=NOW, ends_at=months_add(NOW, 12))
    spend_record(member=buyer, cents=100_000, reference="inv-1", occurred_at=NOW - DAY)

    rule = tier_rule_for(buyer, NOW)

    assert "Spend €5,000.00 in 12 months to reach Diamond; you have spent €1,000.00" in rule.text
    assert rule.text.endswith(
        "You hold Black card until June 1, 2024; spend €1,000.00 by then to keep it (€0.00 so far)."
    )
    assert rule.held is not None and rule.held.code == "black"
    assert rule.cents_to_next == 400_000


def test_a_chinese_reader_reads_the_rule_with_the_plans_chinese_names(buyer: User) -> None:
    spend_record(member=buyer, cents=25_000, reference="inv-1", occurred_at=NOW - 30 * DAY)

    with translation.override("zh-hans"):
        text = tier_rule_for(buyer, NOW).text

    assert "黑卡" in text and "Black card" not in text
