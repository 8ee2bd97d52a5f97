"""The expert's path from the queue to a signed report: one expert, two, and a senior."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from appraisals.models import (
    PhotoRequest,
    Report,
    ReportImmutable,
    Review,
    Status,
    SubmissionEvent,
)
from appraisals.services import reviews as review_services
from appraisals.services.photos import submission_photo_upload
from appraisals.services.reports import report_correct
from appraisals.services.submissions import submission_blockers, submission_submit
from appraisals.tests.factories import draft_for
from appraisals.tests.reviewing import case_in_queue, complete_opinion, expert, sign
from members.models import Notification
from provenance.signing import bundle_build_from_parts, bundle_verify, trusted_signers
from tests.photos import good_jpeg

pytestmark = pytest.mark.django_db
Kind = SubmissionEvent.Kind


def _kinds(submission) -> list[str]:  # noqa: ANN001
    return list(submission.events.order_by("id").values_list("kind", flat=True))


def test_one_expert_takes_the_case_signs_it_and_the_buyer_gets_a_signed_report(
    buyer, catalog, django_capture_on_commit_callbacks
) -> None:  # noqa: ANN001
    case = case_in_queue(buyer, catalog["handbag"])
    alice = expert()
    seat = review_services.review_take_next(expert=alice)
    assert seat is not None and seat.submission_id == case.pk
    assert seat.state == Review.State.CLAIMED and seat.expert == alice
    with django_capture_on_commit_callbacks(execute=True):
        sign(seat, alice, "authentic")
    case.refresh_from_db()
    assert case.status == Status.COMPLETED and case.completed_at is not None
    report = Report.objects.get(submission=case)
    assert report.verdict == "authentic" and report.version == 1
    document = report.document
    assert document["verdict"]["result"] == "authentic"
    assert [f["feature"] for f in document["findings"]] == [
        "brand_stamp", "stitching", "hardware", "serial", "material", "construction",
    ]  # fmt: skip
    assert document["findings"][0]["region"] == {
        "x": "0.1000",
        "y": "0.2000",
        "w": "0.3000",
        "h": "0.2500",
    }
    assert document["reviewers"][0]["id"].startswith("EX-")
    assert alice.email not in str(document) and buyer.email not in str(document)
    bundle = bundle_build_from_parts(
        document=document, signature=report.signature, signer=report.signer
    )
    check = bundle_verify(bundle, trusted=trusted_signers())
    assert check.ok, check.problems
    assert check.sha256 == report.sha256
    assert Kind.EXPERT_ASSIGNED in _kinds(case) and Kind.REPORT_ISSUED in _kinds(case)
    assert Notification.objects.filter(user=buyer, subject__contains="report is ready").exists()
    assert review_services.review_take_next(expert=alice) is None


def test_two_experts_work_blind_and_agreeing_issues_the_report(buyer, catalog) -> None:  # noqa: ANN001
    case = case_in_queue(buyer, catalog["handbag"], depth="double")
    alice, bob = expert(), expert()
    first = review_services.review_take_next(expert=alice)
    # Alice can't also take the second seat of the same case.
    assert review_services.review_take_next(expert=alice) is None
    second = review_services.review_take_next(expert=bob)
    assert {first.stage, second.stage} == {"first", "second"}
    sign(first, alice, "authentic")
    case.refresh_from_db()
    assert case.status == Status.AWAITING_EXPERT and not Report.objects.exists()
    sign(second, bob, "authentic")
    report = Report.objects.get(submission=case)
    assert len(report.document["reviewers"]) == 2
    assert sum(r["decided"] for r in report.document["reviewers"]) == 1


def test_disagreement_goes_to_a_senior_expert_who_decides(buyer, catalog) -> None:  # noqa: ANN001
    case = case_in_queue(buyer, catalog["watch"], depth="double")
    alice, bob = expert(), expert()
    sign(review_services.review_take_next(expert=alice), alice, "authentic")
    sign(review_services.review_take_next(expert=bob), bob, "counterfeit")
    senior_seat = Review.objects.get(submission=case, stage="senior")
    assert senior_seat.state == Review.State.OPEN and not Report.objects.exists()
    # An ordinary expert may not take the senior seat; a senior who sat on the case can't either.
    assert review_services.review_take_next(expert=expert()) is None
    carol = expert(senior=True)
    taken = review_services.review_take_next(expert=carol)
    assert taken.pk == senior_seat.pk
    sign(taken, carol, "counterfeit")
    report = Report.objects.get(submission=case)
    assert report.verdict == "counterfeit"
    roles = {r["role"]: r["decided"] for r in report.document["reviewers"]}
    assert roles == {"first": False, "second": False, "senior": True}
    assert Kind.SENIOR_REVIEW in _kinds(case)


def test_it_will_not_sign_without_every_finding_and_the_condition(buyer, catalog) -> None:  # noqa: ANN001
    case_in_queue(buyer, catalog["handbag"])
    alice = expert()
    seat = review_services.review_take_next(expert=alice)
    with pytest.raises(ValidationError) as error:
        review_services.review_sign(review=seat, expert=alice, verdict="authentic")
    assert any("Stitching" in m for m in error.value.messages)
    assert any("condition" in m.lower() for m in error.value.messages)
    with pytest.raises(ValidationError):
        review_services.review_condition_save(
            review=seat, expert=alice, grade="good", wear_notes="", repairs="x", replaced_parts="y"
        )
    complete_opinion(seat, alice)
    with pytest.raises(ValidationError) as error:
        review_services.review_sign(review=seat, expert=alice, verdict="inconclusive")
    assert "why" in error.value.messages[0]
    seat.refresh_from_db()
    assert seat.state == Review.State.CLAIMED  # nothing was lost, nothing signed


def test_an_inconclusive_verdict_issues_a_report_and_a_refund(buyer, catalog) -> None:  # noqa: ANN001
    case = case_in_queue(buyer, catalog["handbag"])
    alice = expert()
    sign(review_services.review_take_next(expert=alice), alice, "inconclusive", "Photos too worn")
    assert Report.objects.get(submission=case).verdict == "inconclusive"
    assert Kind.REFUND_DUE in _kinds(case)


def test_an_abandoned_claim_returns_to_the_queue_and_the_old_holder_cannot_write(
    buyer, catalog, settings
) -> None:  # noqa: ANN001
    case_in_queue(buyer, catalog["handbag"])
    alice, bob = expert(), expert()
    seat = review_services.review_take_next(expert=alice)
    assert review_services.review_take_next(expert=bob) is None
    later = timezone.now() + timedelta(minutes=settings.REVIEW_CLAIM_MINUTES + 1)
    taken = review_services.review_take_next(expert=bob, now=later)
    assert taken.pk == seat.pk and taken.expert == bob
    with pytest.raises(review_services.ClaimLost):
        review_services.finding_save(
            review=seat, expert=alice, feature="stitching", result="consistent", reason="ok"
        )


def test_buyers_cannot_take_cases(buyer, catalog) -> None:  # noqa: ANN001
    case_in_queue(buyer, catalog["handbag"])
    with pytest.raises(PermissionDenied):
        review_services.review_take_next(expert=buyer)


def test_the_queue_serves_express_first_then_priority_then_age(buyer, catalog) -> None:  # noqa: ANN001
    old_standard = case_in_queue(buyer, catalog["handbag"])
    urgent_standard = case_in_queue(buyer, catalog["handbag"], priority=5)
    express = case_in_queue(buyer, catalog["watch"], tier="express")
    served = []
    for _ in range(3):
        seat = review_services.review_take_next(expert=expert())
        served.append(seat.submission_id)
    assert served == [express.pk, urgent_standard.pk, old_standard.pk]


def test_more_photos_take_the_case_out_of_the_queue_until_the_buyer_answers(
    buyer, catalog, django_capture_on_commit_callbacks
) -> None:  # noqa: ANN001
    case = case_in_queue(buyer, catalog["handbag"], depth="double")
    alice = expert()
    seat = review_services.review_take_next(expert=alice)
    due_before = case.due_at
    with pytest.raises(ValidationError):
        review_services.review_request_photos(
            review=seat, expert=alice, slot_codes=["no-such-slot"], message="Closer, please"
        )
    review_services.review_request_photos(
        review=seat, expert=alice, slot_codes=["date_code"], message="The date code is cut off."
    )
    case.refresh_from_db()
    assert case.status == Status.NEEDS_RETAKE
    assert set(Review.objects.filter(submission=case).values_list("state", flat=True)) == {
        "withdrawn"
    }
    assert review_services.review_take_next(expert=expert()) is None
    assert Notification.objects.filter(user=buyer, subject__contains="more photos").exists()
    assert any("date-code tag" in p for p in submission_blockers(submission=case))
    slot = case.category.slots.get(code="date_code")
    submission_photo_upload(submission=case, slot=slot, data=good_jpeg(42))
    assert submission_blockers(submission=case) == []
    with django_capture_on_commit_callbacks(execute=False):
        submission_submit(submission=case)
    case.refresh_from_db()
    assert case.round == 2 and case.due_at > due_before  # the clock stopped while waiting
    assert PhotoRequest.objects.get(submission=case).answered_at is not None


def test_an_issued_report_cannot_be_changed_only_superseded(buyer, catalog) -> None:  # noqa: ANN001
    case = case_in_queue(buyer, catalog["handbag"])
    alice = expert()
    sign(review_services.review_take_next(expert=alice), alice)
    report = Report.objects.get(submission=case)
    report.verdict = "counterfeit"
    with pytest.raises(ReportImmutable):
        report.save()
    with pytest.raises(ReportImmutable):
        report.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(verdict="counterfeit")
    corrected = report_correct(
        report=Report.objects.get(pk=report.pk),
        changes={"item": {**report.document["item"], "serial": "AR1234"}},
        reason="Serial typed wrongly",
    )
    assert corrected.version == 2 and corrected.supersedes_id == report.pk
    assert corrected.document["supersedes"] == str(report.uid)
    assert Report.objects.get(pk=report.pk).verdict == "authentic"
    with pytest.raises(ValidationError):
        report_correct(report=report, changes={"item": {}}, reason="again")


def test_the_full_path_submit_ai_claim_sign_report(
    buyer, catalog, active_model, django_capture_on_commit_callbacks
) -> None:  # noqa: ANN001
    import random

    from appraisals.services.prescreen import submission_prescreen_run
    from appraisals.tests.reviewing import queued_case
    from ml.serials import serial_generate

    brand = draft_for(buyer, catalog["handbag"]).brand.name
    # A typed serial: the test photos are not date-code tags, and with nothing typed and
    # nothing readable the routing would (rightly) ask for a retake first.
    serial = serial_generate(brand=brand, rng=random.Random(3))
    case = queued_case(buyer, catalog["handbag"], serial=serial)
    with django_capture_on_commit_callbacks(execute=False):
        outcome = submission_prescreen_run(submission_id=case.pk, round=case.round)
    case.refresh_from_db()
    assert outcome == "awaiting_expert"
    seats = Review.objects.filter(submission=case)
    assert seats.count() == (2 if case.review_depth == "double" else 1)
    reviewers = [expert() for _ in seats]
    for who in reviewers:
        sign(review_services.review_take_next(expert=who), who, "authentic")
    report = Report.objects.get(submission=case)
    ai = report.document["ai"]
    assert ai["model_version"] == active_model.name and ai["band"] in {"low", "medium", "high"}
    assert float(ai["probability_counterfeit"]) >= 0.0
    assert [e for e in _kinds(case) if e in (Kind.PRESCREENED, Kind.EXPERT_ASSIGNED)] == [
        Kind.PRESCREENED,
        Kind.EXPERT_ASSIGNED,
    ]
