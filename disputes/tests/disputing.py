"""A dispute as people open and settle it: the holder through the dispute page, staff at
triage."""

from __future__ import annotations

from django.urls import reverse

from appraisals.models import Report
from appraisals.tests.reviewing import deliver_events
from disputes.models import Dispute
from disputes.services import dispute_triage
from members.models import User
from members.roles import Role
from members.tests.factories import UserFactory
from passports.tests.transfers import signed_in

WHY = "The date code font does not match my other bag from the same year."


def dispute_open_through_page(report: Report, user: User) -> Dispute:
    """``user`` opens a dispute of ``report`` on its dispute page; the dispute."""
    response = signed_in(user).post(
        reverse("disputes:new", args=[report.public_token]),
        {"reason": "wrong_verdict", "description": WHY},
    )
    assert response.status_code == 302, response.content.decode()
    deliver_events()
    return Dispute.objects.filter(opened_by=user).latest("opened_at", "id")


def dispute_reject(dispute: Dispute) -> Dispute:
    """Staff reject it at triage, with a written reason: it is resolved."""
    staff = UserFactory(email=f"triage-{dispute.pk}@example.com", roles=[Role.STAFF])
    rejected = dispute_triage(
        dispute=dispute, staff=staff, decision="reject", reason="The photos show no such fault."
    )
    deliver_events()
    return rejected
