"""Members' cases for the queue-order, SLA and priority tests: each submitted the way a member
submits one, paying what their plan doesn't cover (invoice mode: staff mark the invoice paid,
and the paid event submits the case)."""

from __future__ import annotations

from typing import Any

from appraisals.models import Submission
from appraisals.services.payments import submission_checkout
from appraisals.services.submissions import submission_details_update
from appraisals.tasks import submission_check_photos
from appraisals.tests.factories import draft_for
from appraisals.tests.reviewing import deliver_events, to_expert_queue
from billing.services.invoices import invoice_mark_paid
from members.models import User
from members.roles import Role
from members.tests.factories import UserFactory
from membership.models import Plan
from membership.services.plans import membership_grant

BACK = "https://authplatform.test/back/"


def member_with(code: str, email: str) -> User:
    """A member holding plan ``code`` from now on."""
    member = UserFactory(email=email)
    membership_grant(member=member, plan=Plan.objects.get(code=code))
    return member


def submitted_paid(
    owner: User, category: Any, *, tier: str = "standard", declared_value_eur: int | None = None
) -> Submission:
    """A case its owner submitted at ``tier``, its fee (if any is left after their plan)
    paid."""
    draft = draft_for(owner, category, with_photos=True)
    submission_details_update(
        submission=draft, serial_code="", tier=tier, declared_value_eur=declared_value_eur
    )
    result = submission_checkout(submission=draft, points=0, success_url=BACK, cancel_url=BACK)
    if not result.submitted:
        assert result.invoice is not None
        cashier = User.objects.filter(email="cashier@example.com").first() or UserFactory(
            email="cashier@example.com", roles=[Role.STAFF]
        )
        invoice_mark_paid(invoice=result.invoice, staff=cashier)
        deliver_events()
    draft.refresh_from_db()
    assert draft.submitted_at is not None, draft.status
    return draft


def in_queue_paid(
    owner: User,
    category: Any,
    *,
    tier: str = "standard",
    priority: int = 0,
    declared_value_eur: int | None = None,
) -> Submission:
    """A paid case past its photo check, handed to the expert queue as the pre-screen would."""
    case = submitted_paid(owner, category, tier=tier, declared_value_eur=declared_value_eur)
    assert submission_check_photos.apply(args=[case.pk, case.round]).get() == "queued"
    case.refresh_from_db()
    return to_expert_queue(case, priority=priority)
