"""Helpers for review tests: cases waiting for an expert, experts, and a complete opinion.

Cases are built through the buyer's services (draft, photos, submit, photo check). Most tests
then hand the case to the queue as the pre-screen would, with a chosen review depth, so the
review rules are tested on their own; the full path with the real classifier is tested
separately.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from appraisals.models import Feature, FindingResult, Report, Review, Status, Submission
from appraisals.services import reviews as review_services
from appraisals.services.submissions import submission_details_update
from appraisals.tasks import submission_check_photos
from appraisals.tests.factories import draft_for, submit_paying
from events.tasks import events_dispatch_due
from members.models import User
from members.roles import Role
from members.tests.factories import UserFactory


def queued_case(
    owner: User, category: Any, *, tier: str = "standard", serial: str = ""
) -> Submission:
    """A submitted case whose photos passed the re-check: waiting for the pre-screen."""
    submission = draft_for(owner, category, with_photos=True)
    submission_details_update(submission=submission, serial_code=serial, tier=tier)
    submit_paying(submission)
    assert submission_check_photos.apply(args=[submission.pk, submission.round]).get() == "queued"
    submission.refresh_from_db()
    return submission


def to_expert_queue(
    submission: Submission, *, depth: str = "single", priority: int = 0
) -> Submission:
    """What the pre-screen's routing does when it hands a case over (without the classifier)."""
    with transaction.atomic():
        submission.status = Status.AWAITING_EXPERT
        submission.review_depth = depth
        submission.priority = priority
        submission.save(update_fields=["status", "review_depth", "priority", "updated_at"])
        review_services.reviews_open(submission=submission)
    return submission


def case_in_queue(
    owner: User, category: Any, *, depth: str = "single", tier: str = "standard", priority: int = 0
) -> Submission:
    return to_expert_queue(queued_case(owner, category, tier=tier), depth=depth, priority=priority)


def expert(*, senior: bool = False, **kwargs: Any) -> User:
    roles = [Role.SENIOR_EXPERT] if senior else [Role.EXPERT]
    return UserFactory(roles=roles, **kwargs)


def complete_opinion(
    seat: Review,
    who: User,
    *,
    result: str = FindingResult.CONSISTENT,
    grade: str = "very_good",
) -> None:
    """Every finding and the condition, as an expert would fill the case page."""
    photo = seat.submission.photos.order_by("slot__position").first()
    for index, feature in enumerate(Feature):
        review_services.finding_save(
            review=seat,
            expert=who,
            feature=feature.value,
            result=result,
            reason=f"{feature.label} matches the reference for this model line.",
            photo=photo if index == 0 else None,
            region={"x": 0.1, "y": 0.2, "w": 0.3, "h": 0.25} if index == 0 else None,
        )
    review_services.review_condition_save(
        review=seat,
        expert=who,
        grade=grade,
        wear_notes="Light rubbing on the corners.",
        repairs="None seen.",
        replaced_parts="None seen.",
    )


def sign(seat: Review, who: User, verdict: str = "authentic", reason: str = "") -> Review:
    complete_opinion(seat, who)
    signed = review_services.review_sign(review=seat, expert=who, verdict=verdict, reason=reason)
    deliver_events()
    return signed


def deliver_events() -> None:
    """What the commit of a change does next: deliver its domain events to their subscribers
    (passports, webhooks, caches, disputes). A test runs inside one transaction that never
    commits, so it delivers them itself, through the same sweep the beat runs. A subscriber's
    own change may emit events too (a signed re-appraisal seat settles its dispute), which its
    commit would deliver in turn: so it sweeps until a sweep delivers nothing."""
    while events_dispatch_due():
        pass


def report_signed_with_serial(
    owner: User, category: Any, *, serial: str, verdict: str = "authentic"
) -> Report:
    """A case with a typed serial signed by one new expert: its report (the passport hook ran)."""
    submission = to_expert_queue(queued_case(owner, category, serial=serial))
    who = expert()
    seat = review_services.review_take_next(expert=who)
    assert seat is not None and seat.submission_id == submission.pk
    sign(seat, who, verdict, reason="x" if verdict == "inconclusive" else "")
    return Report.objects.get(submission=submission)


def reports_signed_as_before_private_serials(monkeypatch: Any, *, serial: str) -> None:
    """From now on in the test, reports are signed as they were before serials became private:
    the full ``serial`` in the signed document, no hint (their provenance records still keep
    it private, as the migration made them)."""
    from appraisals.services import reports as report_services

    build = report_services.report_document_build

    def as_before(**kwargs: Any) -> dict[str, Any]:
        document = build(**kwargs)
        item = {k: v for k, v in document["item"].items() if k != "serial_hint"}
        return {**document, "schema": 1, "item": {**item, "serial": serial}}

    monkeypatch.setattr(report_services, "report_document_build", as_before)
