"""At first submission a case takes its owner's best plan and review priority, and its due
time is the shorter of the service tier's turnaround and the plan's expert SLA."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from appraisals.models import Submission
from appraisals.tests.prioritising import submitted_paid
from members.models import User
from membership.models import Membership, Plan
from membership.services.plans import membership_grant

pytestmark = pytest.mark.django_db


def _submitted(owner: User, category: Any, tier: str) -> Submission:
    return submitted_paid(owner, category, tier=tier)


def _grant(member: User, code: str) -> Membership:
    return membership_grant(member=member, plan=Plan.objects.get(code=code))


def test_a_free_member_gets_the_tiers_own_turnaround(buyer: User, catalog: dict[str, Any]) -> None:
    for tier, hours in [("standard", 24), ("priority", 12), ("express", 2)]:
        case = _submitted(buyer, catalog["handbag"], tier)
        assert (case.member_plan, case.member_priority) == ("free", 0)
        assert case.due_at == case.submitted_at + timedelta(hours=hours), tier


def test_a_diamond_members_standard_case_is_due_in_the_plans_6_hours(
    buyer: User, catalog: dict[str, Any]
) -> None:
    _grant(buyer, "diamond")

    standard = _submitted(buyer, catalog["handbag"], "standard")
    express = _submitted(buyer, catalog["handbag"], "express")

    assert (standard.member_plan, standard.member_priority) == ("diamond", 30)
    assert standard.due_at == standard.submitted_at + timedelta(hours=6)
    # The tier's 2 hours are shorter than the plan's 6: the shorter promise holds.
    assert express.due_at == express.submitted_at + timedelta(hours=2)


def test_the_best_plan_is_the_tier_over_the_pass(buyer: User, catalog: dict[str, Any]) -> None:
    _grant(buyer, "pass-monthly")
    with_pass = _submitted(buyer, catalog["handbag"], "priority")
    assert (with_pass.member_plan, with_pass.member_priority) == ("pass-monthly", 10)
    # A pass promises no SLA of its own: the tier's 12 hours.
    assert with_pass.due_at == with_pass.submitted_at + timedelta(hours=12)

    _grant(buyer, "black")
    with_black = _submitted(buyer, catalog["handbag"], "standard")
    assert (with_black.member_plan, with_black.member_priority) == ("black", 20)
    assert with_black.due_at == with_black.submitted_at + timedelta(hours=24)
