"""Disputes taken to an outcome through the services, for the guarantee, fee and credit tests:
a report of a member's case, a blind re-appraisal and the panel."""

from __future__ import annotations

from typing import Any

from appraisals.models import Report
from appraisals.services import reviews as review_services
from appraisals.tests.prioritising import in_queue_paid
from appraisals.tests.reviewing import deliver_events, expert, sign
from disputes.models import Dispute, PanelVote
from disputes.services import dispute_open, dispute_triage, panel_vote
from members.models import User
from members.roles import Role
from members.tests.factories import UserFactory

WHY = "The date code font does not match my other bag from the same year."


def staff_member() -> User:
    return User.objects.filter(email="staff@example.com").first() or UserFactory(
        email="staff@example.com", roles=[Role.STAFF]
    )


def report_of(owner: User, category: Any, *, declared_value_eur: int | None = None) -> Report:
    """An authentic report of ``owner``'s case (``declared_value_eur`` as they declared it)."""
    case = in_queue_paid(owner, category, declared_value_eur=declared_value_eur)
    who = expert(email=f"original-{case.pk}@example.com")
    seat = review_services.review_take_next(expert=who)
    assert seat is not None and seat.submission_id == case.pk
    sign(seat, who, "authentic")
    return Report.objects.get(submission=case)


def opened(report: Report, by: User) -> Dispute:
    return dispute_open(report=report, user=by, reason="wrong_verdict", description=WHY)


def reappraised(dispute: Dispute, verdicts: tuple[str, str]) -> Dispute:
    """Staff send it to two new experts, who sign ``verdicts``."""
    dispute_triage(dispute=dispute, staff=staff_member(), decision="reappraise")
    for n, verdict in enumerate(verdicts):
        who = expert(email=f"re{n}-{dispute.pk}@example.com")
        seat = review_services.review_take_next(expert=who)
        assert seat is not None
        sign(seat, who, verdict, reason="x" if verdict == "inconclusive" else "")
    dispute.refresh_from_db()
    return dispute


def overturned(dispute: Dispute) -> Dispute:
    """The re-appraisers disagree and the panel finds the item counterfeit."""
    reappraised(dispute, ("counterfeit", "authentic"))
    arbitrators = [
        UserFactory(email=f"{seat}-{dispute.pk}@example.com", roles=[Role.ARBITRATOR])
        for seat in ("brand", "user")
    ]
    seats = [
        (
            expert(senior=True, email=f"senior-{dispute.pk}@example.com"),
            PanelVote.Role.SENIOR_EXPERT,
        ),
        (arbitrators[0], PanelVote.Role.BRAND),
        (arbitrators[1], PanelVote.Role.USER),
    ]
    for who, role in seats:
        panel_vote(
            dispute=dispute,
            arbitrator=who,
            role=role,
            verdict="counterfeit",
            reason="The stitching is machine-made.",
        )
    deliver_events()
    dispute.refresh_from_db()
    assert dispute.outcome == Dispute.Outcome.OVERTURNED
    return dispute
