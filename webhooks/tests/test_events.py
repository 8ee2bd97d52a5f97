"""Which domain changes become which webhook events, for whom (webhooks/subscribers.py)."""

from __future__ import annotations

import pytest

from api.models import Partner
from appraisals.models import Report, Review, Submission
from appraisals.services.reports import report_correct
from appraisals.tests.reviewing import case_in_queue, deliver_events, expert, sign
from disputes.services import dispute_open
from webhooks.models import EventType, WebhookEvent
from webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db


def _listen(partner: Partner, *, sandbox: bool = False) -> None:
    endpoint_create(
        partner=partner,
        url="http://127.0.0.1:9/hooks",
        event_types=list(EventType.values),
        sandbox=sandbox,
    )


def _report_for(owner, catalog) -> Report:  # noqa: ANN001
    case = case_in_queue(owner, catalog["handbag"])
    who = expert()
    seat = Review.objects.get(submission=case)
    from appraisals.services.reviews import review_take_next

    assert review_take_next(expert=who) == seat
    sign(seat, who)
    return Report.objects.get(submission=case)


def _types() -> list[str]:
    return list(WebhookEvent.objects.order_by("id").values_list("event_type", flat=True))


def test_a_partners_case_emits_status_report_and_dispute_events(partner, catalog) -> None:  # noqa: ANN001
    _listen(partner)

    report = _report_for(partner.account, catalog)
    dispute_open(
        report=report, user=partner.account, reason="wrong_verdict",
        description="The stitching differs from the reference bag.",
    )  # fmt: skip
    corrected = report_correct(
        report=report,
        changes={"condition": {**report.document["condition"], "grade": "good"}},
        reason="The grade was mistyped.",
    )
    deliver_events()

    types = _types()
    assert types.count(EventType.SUBMISSION_STATUS_CHANGED) >= 3  # submitted, queued, ...
    assert types.count(EventType.REPORT_ISSUED) == 2
    assert EventType.DISPUTE_UPDATED in types
    revoked = WebhookEvent.objects.get(event_type=EventType.REPORT_REVOKED).data
    assert revoked["report"]["id"] == str(report.uid)
    assert revoked["superseded_by"]["id"] == str(corrected.uid)
    assert revoked["reason"] == "The grade was mistyped."
    statuses = [
        e.data["status"]
        for e in WebhookEvent.objects.filter(event_type=EventType.SUBMISSION_STATUS_CHANGED)
    ]
    assert statuses[0] == "submitted" and statuses[-1] == "completed"
    assert all(not e.sandbox for e in WebhookEvent.objects.all())


def test_website_buyers_and_the_other_mode_get_no_events(partner, buyer, catalog) -> None:  # noqa: ANN001
    _listen(partner, sandbox=True)  # a sandbox endpoint only

    _report_for(buyer, catalog)  # a website buyer: no partner
    _report_for(partner.account, catalog)  # a live case: the sandbox endpoint hears nothing

    assert WebhookEvent.objects.count() == 0
    assert Submission.objects.count() == 2
