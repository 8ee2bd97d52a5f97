"""A case's standing in the expert queue from its owner's membership, fixed at first submission.

The member's plans (``membership_current``) decide two things when the case is first
submitted: the badge and order the expert queue shows (``member_plan``, ``member_priority``)
and the SLA clock, which is the shorter of the service tier's turnaround and the plans' expert
SLA. Both are snapshots: a plan gained or lost later changes neither, so the promise made at
submission is the one kept and measured.
"""

from __future__ import annotations

from datetime import timedelta

from appraisals.models import TIER_TURNAROUND, Submission, Tier
from appraisals.policies import ReviewBy, policy_for
from membership.models import Plan
from membership.selectors.plans import Benefits, membership_current


def member_plan_best(benefits: Benefits) -> Plan | None:
    """The plan a member is known by: a tier over a pass over Free (``Benefits.plans`` lists
    them Free first)."""
    return benefits.plans[-1] if benefits.plans else None


def submission_due_in(*, tier: str, benefits: Benefits) -> timedelta:
    """How long the case is promised to take: the tier's turnaround, or the plans' expert SLA
    where that is shorter (a Diamond member's standard case is due in 6 h, not 24 h)."""
    turnaround = TIER_TURNAROUND[Tier(tier)]
    if benefits.sla_hours is None:
        return turnaround
    return min(turnaround, timedelta(hours=benefits.sla_hours))


def submission_priority_apply(*, submission: Submission, for_partner: bool = False) -> Submission:
    """At the first submission of a member's case the experts work, snapshot the owner's best
    plan and review priority and set its due time; later rounds (retakes, extra photos) keep
    them. A partner's case (``for_partner``: through an API key) keeps the tier's own
    turnaround and no plan: the partner's account is not a member's.

    Call inside the transaction that marks the case submitted, after ``mark_submitted``.
    """
    first_round = submission.round == 1 and submission.submitted_at is not None
    experts = policy_for(submission).review_by is ReviewBy.EXPERTS
    if not first_round or not experts or for_partner:
        return submission
    benefits = membership_current(submission.owner, now=submission.submitted_at)
    plan = member_plan_best(benefits)
    submission.member_plan = plan.code if plan is not None else ""
    submission.member_priority = benefits.review_priority
    assert submission.submitted_at is not None  # first_round
    submission.due_at = submission.submitted_at + submission_due_in(
        tier=submission.tier, benefits=benefits
    )
    submission.save(update_fields=["member_plan", "member_priority", "due_at", "updated_at"])
    return submission
