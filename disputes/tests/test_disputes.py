"""Disputes end to end through the services: every path, its effects, blindness and limits."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from appraisals.models import Report, Review, SubmissionEvent
from appraisals.services import reviews as review_services
from appraisals.tests.reviewing import case_in_queue, deliver_events, expert, sign
from disputes.models import Compensation, Dispute, PanelVote
from disputes.services import (
    compensation_approve,
    compensation_mark_paid,
    dispute_after_reappraisal,
    dispute_evidence_add,
    dispute_open,
    dispute_triage,
    panel_vote,
)
from members.models import User
from members.roles import Role
from members.tests.factories import UserFactory
from passports.models import PassportEvent
from passports.services import transfer_accept, transfer_propose
from provenance.models import Document
from tests.photos import good_jpeg

pytestmark = pytest.mark.django_db
Outcome = Dispute.Outcome
WHY = "The date code font does not match my other bag from the same year."


@pytest.fixture
def report(buyer: User, catalog: dict[str, Any]) -> Report:
    case_in_queue(buyer, catalog["handbag"])
    first = expert(email="original@example.com")
    sign(review_services.review_take_next(expert=first), first, "authentic")
    return Report.objects.get()


@pytest.fixture
def staff() -> User:
    return UserFactory(email="staff@example.com", roles=[Role.STAFF])


def _reappraise(dispute: Dispute, staff: User, verdicts: tuple[str, str]) -> list[User]:
    triaged = dispute_triage(dispute=dispute, staff=staff, decision="reappraise")
    people = []
    for n, verdict in enumerate(verdicts):
        who = expert(email=f"re{n}@example.com")
        seat = review_services.review_take_next(expert=who)
        assert seat is not None and seat.reappraisal_id == triaged.reappraisal_id
        sign(seat, who, verdict, reason="x" if verdict == "inconclusive" else "")
        people.append(who)
    dispute.refresh_from_db()
    return people


def _panel(dispute: Dispute, verdicts: tuple[str, str, str]) -> None:
    senior = expert(senior=True, email="senior.panel@example.com")
    brand = UserFactory(email="brand@example.com", roles=[Role.ARBITRATOR])
    user_rep = UserFactory(email="userrep@example.com", roles=[Role.ARBITRATOR])
    seats = [
        (senior, PanelVote.Role.SENIOR_EXPERT),
        (brand, PanelVote.Role.BRAND),
        (user_rep, PanelVote.Role.USER),
    ]
    for (who, role), verdict in zip(seats, verdicts, strict=True):
        panel_vote(
            dispute=dispute, arbitrator=who, role=role, verdict=verdict, reason="Looked at it."
        )
    deliver_events()
    dispute.refresh_from_db()


def test_a_clerical_error_is_fixed_by_a_corrected_version(report, buyer, staff) -> None:  # noqa: ANN001
    dispute = dispute_open(report=report, user=buyer, reason="wrong_details", description=WHY)
    item = {**report.document["item"], "serial": "AR1234"}

    dispute_triage(
        dispute=dispute,
        staff=staff,
        decision="clerical",
        reason="Serial typo",
        changes={"item": item},
    )

    dispute.refresh_from_db()
    assert (dispute.state, dispute.outcome) == (Dispute.State.RESOLVED, Outcome.CORRECTED)
    corrected = dispute.corrected_report
    assert corrected.supersedes == report and corrected.document["item"]["serial_hint"] == "•••234"
    # The corrected serial is in the commitment, as a leaf only the owner may disclose.
    anchored = Document.objects.get(doc_id=str(corrected.uid))
    assert (
        anchored.body["item"]["serial"] == "AR1234" and "serial" not in corrected.document["item"]
    )
    assert anchored.private_fields == ["item.serial"]
    original = Document.objects.get(doc_id=str(report.uid))
    assert Document.objects.filter(doc_type="revocation", revokes=original.root).exists()
    kinds = set(report.submission.events.values_list("kind", flat=True))
    assert {SubmissionEvent.Kind.DISPUTE_OPENED, SubmissionEvent.Kind.DISPUTE_RESOLVED} <= kinds


def test_out_of_window_is_refused_with_the_dates(
    report,
    buyer,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    later = timezone.now() + timedelta(days=91)
    # The server's clock decides: 91 days after the report was issued.
    monkeypatch.setattr("disputes.services.timezone.now", lambda: later)

    with pytest.raises(ValidationError, match="dispute window closed on"):
        dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)
    assert not Dispute.objects.exists()


def test_staff_reject_with_a_written_reason(report, buyer, staff) -> None:  # noqa: ANN001
    dispute = dispute_open(report=report, user=buyer, reason="other", description=WHY)

    with pytest.raises(ValidationError, match="written reason"):
        dispute_triage(dispute=dispute, staff=staff, decision="reject")
    dispute_triage(dispute=dispute, staff=staff, decision="reject", reason="No new evidence.")

    dispute.refresh_from_db()
    assert (dispute.outcome, dispute.outcome_reason) == (Outcome.REJECTED, "No new evidence.")


def test_a_reappraisal_that_agrees_upholds_the_verdict(report, buyer, staff) -> None:  # noqa: ANN001
    dispute = dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)

    _reappraise(dispute, staff, ("authentic", "authentic"))

    assert (dispute.state, dispute.outcome) == (Dispute.State.RESOLVED, Outcome.UPHELD)
    assert dispute.corrected_report is None and dispute.fee_due_eur == 0
    assert not Compensation.objects.exists()
    event = PassportEvent.objects.get(kind=PassportEvent.Kind.DISPUTE)
    assert event.document.body["outcome"] == "upheld"


def test_a_signed_seat_heard_twice_settles_the_dispute_once(report, buyer, staff) -> None:  # noqa: ANN001
    dispute = dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)
    _reappraise(dispute, staff, ("counterfeit", "authentic"))
    assert dispute.state == Dispute.State.PANEL
    lines = report.submission.events.count()

    # The outbox delivers at least once: the same ReviewSigned again changes nothing.
    dispute_after_reappraisal(reappraisal_id=dispute.reappraisal_id)

    dispute.refresh_from_db()
    assert dispute.state == Dispute.State.PANEL
    assert report.submission.events.count() == lines


def test_the_first_signed_seat_leaves_the_dispute_in_reappraisal(report, buyer, staff) -> None:  # noqa: ANN001
    dispute = dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)
    dispute_triage(dispute=dispute, staff=staff, decision="reappraise")
    who = expert(email="only.one@example.com")

    sign(review_services.review_take_next(expert=who), who, "counterfeit")

    dispute.refresh_from_db()
    assert dispute.state == Dispute.State.REAPPRAISAL


def test_disagreement_goes_to_the_panel_which_overturns(report, buyer, staff) -> None:  # noqa: ANN001
    dispute = dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)
    _reappraise(dispute, staff, ("counterfeit", "authentic"))
    assert dispute.state == Dispute.State.PANEL

    _panel(dispute, ("counterfeit", "counterfeit", "authentic"))

    assert dispute.outcome == Outcome.OVERTURNED
    corrected = dispute.corrected_report
    assert corrected.verdict == "counterfeit" and corrected.supersedes == report
    original = Document.objects.get(doc_id=str(report.uid))
    assert Document.objects.filter(doc_type="revocation", revokes=original.root).exists()
    compensation = Compensation.objects.get()
    assert compensation.beneficiary == buyer
    # Authenticated but counterfeit: the declared value (none here) or else the fee.
    assert compensation.amount_eur == Decimal(29)
    kinds = list(PassportEvent.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["appraisal", "appraisal", "dispute"]


def test_a_panel_without_a_majority_is_inconclusive(report, buyer, staff) -> None:  # noqa: ANN001
    dispute = dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)
    _reappraise(dispute, staff, ("counterfeit", "counterfeit"))

    _panel(dispute, ("counterfeit", "authentic", "inconclusive"))

    assert dispute.outcome == Outcome.INCONCLUSIVE
    assert not Compensation.objects.exists()


def test_the_guarantee_follows_the_item_to_its_new_owner(report, buyer, staff) -> None:  # noqa: ANN001
    submission = report.submission
    submission.declared_value_eur = 4000
    submission.save(update_fields=["declared_value_eur"])
    item = report.passport_events.get().item
    newcomer = UserFactory(email="second.owner@example.com")
    transfer = transfer_propose(item=item, owner=buyer, to_email=newcomer.email)
    transfer_accept(token=transfer.token, user=newcomer)

    with pytest.raises(PermissionDenied):
        dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)
    dispute = dispute_open(report=report, user=newcomer, reason="wrong_verdict", description=WHY)
    _reappraise(dispute, staff, ("counterfeit", "counterfeit"))
    _panel(dispute, ("counterfeit", "counterfeit", "counterfeit"))

    compensation = Compensation.objects.get()
    assert compensation.beneficiary == newcomer
    assert compensation.amount_eur == Decimal(2500)  # 4,000 declared, standard cap 2,500
    compensation_approve(compensation=compensation, staff=staff)
    paid = compensation_mark_paid(compensation=compensation, staff=staff)
    assert paid.status == Compensation.Status.PAID
    with pytest.raises(PermissionDenied):
        compensation_approve(compensation=compensation, staff=newcomer)


def test_reappraisers_are_new_and_blind(report, buyer, staff) -> None:  # noqa: ANN001
    dispute = dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)
    reappraisal = dispute_triage(dispute=dispute, staff=staff, decision="reappraise").reappraisal
    original = User.objects.get(email="original@example.com")

    assert review_services.review_take_next(expert=original) is None
    who = expert(email="fresh@example.com")
    seat = review_services.review_take_next(expert=who)
    assert seat is not None and seat.reappraisal == reappraisal
    # The same expert can't take the second re-appraisal seat as well.
    assert review_services.review_take_next(expert=who) is None
    from appraisals.selectors.reviews import review_others_visible

    assert review_others_visible(review=seat) == []
    assert Review.objects.filter(reappraisal=reappraisal, state=Review.State.OPEN).count() == 1


def test_panel_roles_are_distinct_and_exclude_the_examiners(report, buyer, staff) -> None:  # noqa: ANN001
    dispute = dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)
    examiners = _reappraise(dispute, staff, ("counterfeit", "authentic"))
    arbitrator = UserFactory(email="arb@example.com", roles=[Role.ARBITRATOR])
    panel_vote(dispute=dispute, arbitrator=arbitrator, role="brand", verdict="authentic",
               reason="Consistent stamp.")  # fmt: skip

    with pytest.raises(ValidationError, match="another role"):
        panel_vote(dispute=dispute, arbitrator=arbitrator, role="user", verdict="authentic",
                   reason="Consistent stamp.")  # fmt: skip
    vote = {"verdict": "authentic", "reason": "Consistent stamp."}
    examiner = examiners[0]
    examiner.groups.add(*UserFactory(roles=[Role.SENIOR_EXPERT]).groups.all())
    examiner = User.objects.get(pk=examiner.pk)  # fresh permission cache
    with pytest.raises(PermissionDenied, match="examined this item"):
        panel_vote(dispute=dispute, arbitrator=examiner, role="senior_expert", **vote)
    plain = UserFactory(roles=[Role.ARBITRATOR])
    with pytest.raises(PermissionDenied, match="senior expert"):
        panel_vote(dispute=dispute, arbitrator=plain, role="senior_expert", **vote)


def test_one_open_dispute_and_only_the_holder(report, buyer, stranger) -> None:  # noqa: ANN001
    with pytest.raises(PermissionDenied):
        dispute_open(report=report, user=stranger, reason="wrong_verdict", description=WHY)
    dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)

    with pytest.raises(ValidationError, match="already has an open dispute"):
        dispute_open(report=report, user=buyer, reason="other", description=WHY)
    with pytest.raises(ValidationError, match="20 to 5,000"):
        dispute_open(report=report, user=buyer, reason="other", description="short")


def test_evidence_goes_through_the_safe_upload_path(report, buyer, stranger) -> None:  # noqa: ANN001
    dispute = dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)

    photo = dispute_evidence_add(
        dispute=dispute, user=buyer, data=good_jpeg(3), name="tag.jpg", kind="photo"
    )
    document = dispute_evidence_add(
        dispute=dispute, user=buyer, data=b"%PDF-1.4\n% receipt\n", name="receipt.pdf",
        kind="document",
    )  # fmt: skip

    assert photo.content_type == "image/jpeg" and photo.quality["accepted"] is True
    assert document.content_type == "application/pdf"
    with pytest.raises(ValidationError, match="decode|image|photo"):
        dispute_evidence_add(dispute=dispute, user=buyer, data=b"not an image", name="x.jpg",
                             kind="photo")  # fmt: skip
    with pytest.raises(ValidationError, match="PDF"):
        dispute_evidence_add(dispute=dispute, user=buyer, data=b"MZ\x90", name="x.exe",
                             kind="document")  # fmt: skip
    with pytest.raises(PermissionDenied):
        dispute_evidence_add(dispute=dispute, user=stranger, data=good_jpeg(1), name="y.jpg",
                             kind="photo")  # fmt: skip
    assert dispute.evidence.count() == 2


def test_the_report_page_shows_the_outcome_without_personal_data(report, buyer, staff) -> None:  # noqa: ANN001
    from django.test import Client
    from django.urls import reverse

    dispute = dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)
    dispute_triage(dispute=dispute, staff=staff, decision="reject", reason="No new evidence.")

    page = Client().get(reverse("public:report", args=[report.public_token])).content.decode()

    assert f"Disputed ({dispute.reference}): Rejected on" in page
    assert WHY not in page and buyer.email not in page and "No new evidence" not in page


def test_the_figures_come_from_a_fixed_number_of_queries(
    report,
    buyer,
    staff,
    django_assert_num_queries,  # noqa: ANN001
) -> None:
    from django.test import Client
    from django.urls import reverse

    from disputes.selectors import dispute_metrics
    from disputes.services import disputes_sla_breaches_record

    dispute = dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)
    Dispute.objects.filter(pk=dispute.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert disputes_sla_breaches_record() == 1
    assert disputes_sla_breaches_record() == 0  # once only
    _reappraise(dispute, staff, ("counterfeit", "counterfeit"))
    _panel(dispute, ("counterfeit", "counterfeit", "authentic"))
    dispute.refresh_from_db()

    with django_assert_num_queries(4):
        metrics = dispute_metrics()

    assert (metrics.reports, metrics.disputes, metrics.overturned, metrics.breached) == (1, 1, 1, 1)
    assert metrics.overturn_rate == 1.0 and metrics.median_resolution is not None
    (row,) = metrics.per_expert
    assert (row["disputes"], row["overturned"]) == (1, 1)
    assert row["median"] == row["p95"] == dispute.resolved_at - dispute.opened_at
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("disputes:figures")).content.decode()
    assert 'id="overturn-rate">100 %' in page
    client.force_login(buyer)
    assert client.get(reverse("disputes:figures")).status_code == 403


def test_a_chinese_holder_is_told_in_chinese(report, buyer, staff) -> None:  # noqa: ANN001
    buyer.language = "zh-hans"
    buyer.save(update_fields=["language"])

    dispute = dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)
    dispute_triage(dispute=dispute, staff=staff, decision="reject", reason="No new evidence.")

    subjects = list(
        buyer.notifications.filter(subject__startswith=dispute.reference).values_list(
            "subject", flat=True
        )
    )
    assert len(subjects) == 2
    assert "已收到您的争议" in subjects[0] or "已收到您的争议" in subjects[1]
    assert any("已驳回" in s for s in subjects)
