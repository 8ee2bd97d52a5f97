"""Disputes through the admin, as staff, re-appraisers and arbitrators work them, ending in an
overturn that every verifier reports as revoked on a real chain."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from appraisals.models import Report, Review
from appraisals.services import reviews as review_services
from appraisals.tests.reviewing import case_in_queue, complete_opinion, expert, sign
from disputes.models import Compensation, Dispute
from disputes.services import dispute_open
from members.models import User
from members.roles import Role
from members.tests.factories import UserFactory
from provenance.anchoring import anchor_tick
from provenance.bundles import bundle_check_chain
from provenance.models import Document
from provenance.selectors import bundle_for
from provenance.tests.conftest import ganache, w3  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
WHY = "The date code font does not match my other bag from the same year."
MARKER = "ORIGINAL-EXPERT-WEAR-NOTE-7731"


@pytest.fixture
def report(buyer: User, catalog: dict[str, Any]) -> Report:
    case_in_queue(buyer, catalog["handbag"])
    first = expert(email="original@example.com")
    seat = review_services.review_take_next(expert=first)
    complete_opinion(seat, first)
    review_services.review_condition_save(
        review=seat, expert=first, grade="good", wear_notes=MARKER, repairs="None seen.",
        replaced_parts="None seen.",
    )  # fmt: skip
    review_services.review_sign(review=seat, expert=first, verdict="authentic")
    return Report.objects.get()


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_triage_experts_reappraise_blind_and_the_panel_overturns(
    report: Report,
    buyer: User,
    w3: Any,  # noqa: F811
) -> None:
    dispute = dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)
    staff = _client(UserFactory(email="staff@example.com", roles=[Role.STAFF]))
    listing = staff.get(reverse("admin:disputes_dispute_changelist")).content.decode()
    assert dispute.reference in listing and "Waiting for triage" in listing

    response = staff.post(
        reverse("admin:disputes_dispute_change", args=[dispute.pk]),
        {"triage": "1", "decision": "reappraise", "reason": "", "changes": ""},
    )
    assert response.status_code == 302
    dispute.refresh_from_db()

    # Re-appraisers take the dispute lane from the same queue, and work blind.
    verdicts = []
    for n in range(2):
        who = expert(email=f"re{n}@example.com")
        client = _client(who)
        queue = client.get(reverse("admin:appraisals_review_changelist")).content.decode()
        assert "dispute re-appraisal" in queue
        client.post(reverse("admin:appraisals_review_take_next"))
        seat = Review.objects.get(reappraisal=dispute.reappraisal, expert=who)
        case = client.get(reverse("admin:appraisals_review_case", args=[seat.pk])).content.decode()
        assert dispute.description in case and 'id="dispute-brief"' in case
        assert MARKER not in case and report.reference not in case
        assert 'id="more-photos-form"' not in case
        history = client.get(
            reverse("admin:appraisals_submission_change", args=[report.submission.pk])
        )
        assert history.status_code in (302, 403)
        verdicts.append(sign(seat, who, "counterfeit"))
    dispute.refresh_from_db()
    assert dispute.state == Dispute.State.PANEL

    panel = [
        (expert(senior=True, email="senior.panel@example.com"), "senior_expert"),
        (UserFactory(email="brand@example.com", roles=[Role.ARBITRATOR]), "brand"),
        (UserFactory(email="userrep@example.com", roles=[Role.ARBITRATOR]), "user"),
    ]
    for who, role in panel:
        page = _client(who).post(
            reverse("admin:disputes_dispute_change", args=[dispute.pk]),
            {"vote": "1", "role": role, "verdict": "counterfeit", "reason": "Wrong font."},
        )
        assert page.status_code == 302, page.content.decode()[:500]
    dispute.refresh_from_db()
    assert dispute.outcome == Dispute.Outcome.OVERTURNED

    # Anchored: every verifier now reports the original as revoked.
    for _ in range(4):
        anchor_tick(w3=w3)
    original = Document.objects.get(doc_id=str(report.uid))
    result = bundle_check_chain(bundle_for(original), w3=w3)
    assert result.revoked and not result.ok
    corrected = Document.objects.get(doc_id=str(dispute.corrected_report.uid))
    assert bundle_check_chain(bundle_for(corrected), w3=w3).ok
    old_page = Client().get(reverse("public:report", args=[report.public_token])).content.decode()
    assert "Revoked on chain." in old_page

    # The ledger: staff export it as CSV.
    export = staff.post(
        reverse("admin:disputes_compensation_changelist"),
        {"action": "export_ledger", "_selected_action": [Compensation.objects.get().pk]},
    )
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][:3] == ["dispute", "report", "beneficiary"]
    assert rows[1][0] == dispute.reference and rows[1][2] == buyer.email


def test_the_dispute_pages_are_closed_to_buyers_and_experts(report: Report, buyer: User) -> None:
    dispute = dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)
    url = reverse("admin:disputes_dispute_change", args=[dispute.pk])

    assert _client(buyer).get(url).status_code in (302, 403)
    assert _client(expert(email="plain@example.com")).get(url).status_code == 403


def test_a_reappraisal_row_runs_on_the_disputes_clock(report: Report, buyer: User) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from disputes.services import dispute_triage

    dispute = dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)
    # Three hours past its clock by the time triage orders the re-appraisal.
    Dispute.objects.filter(pk=dispute.pk).update(due_at=timezone.now() - timedelta(hours=3))
    dispute_triage(
        dispute=dispute,
        staff=UserFactory(email="staff2@example.com", roles=[Role.STAFF]),
        decision="reappraise",
    )
    report.submission.__class__.objects.filter(pk=report.submission.pk).update(
        due_at=timezone.now() + timedelta(days=2)
    )

    queue = _client(expert(email="clock@example.com")).get(
        reverse("admin:appraisals_review_changelist")
    )

    row = queue.content.decode().split('class="queue-row overdue"')[1].split("</tr>")[0]
    assert "overdue by 3" in row and "dispute re-appraisal" in row


def test_reappraisers_read_the_complaint_and_its_evidence_and_nothing_else(
    report: Report, buyer: User
) -> None:
    from disputes.services import dispute_evidence_add, dispute_triage

    dispute = dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)
    evidence = dispute_evidence_add(
        dispute=dispute, user=buyer, data=b"%PDF-1.4\n% receipt\n", name="receipt.pdf",
        kind="document",
    )  # fmt: skip
    dispute = dispute_triage(
        dispute=dispute,
        staff=UserFactory(email="staff3@example.com", roles=[Role.STAFF]),
        decision="reappraise",
    )
    who = expert(email="brief@example.com")
    client = _client(who)
    client.post(reverse("admin:appraisals_review_take_next"))
    seat = Review.objects.get(reappraisal=dispute.reappraisal, expert=who)

    case = client.get(reverse("admin:appraisals_review_case", args=[seat.pk])).content.decode()
    brief_url = reverse("admin:disputes_dispute_brief", args=[dispute.pk])
    assert f'href="{brief_url}"' in case
    brief = client.get(brief_url)
    page = brief.content.decode()
    assert brief.status_code == 200 and WHY in page and "receipt.pdf" in page
    assert MARKER not in page and report.reference not in page and "Authentic" not in page
    file_url = reverse("admin:disputes_dispute_evidence", args=[dispute.pk, evidence.pk])
    assert client.get(file_url).status_code == 200

    # An expert without a seat on it, and the holder, read neither.
    other = _client(expert(email="no.seat@example.com"))
    assert other.get(brief_url).status_code == 404
    assert other.get(file_url).status_code == 404
    assert _client(buyer).get(brief_url).status_code in (302, 403)
