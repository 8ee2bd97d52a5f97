"""A blind re-appraiser asks the disputing holder for more photos, with a message; the holder is
told (in the app and by email, never who asks), adds them on the dispute's page, and they reach
the re-appraiser's brief, who hears of them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from appraisals.models import Report, Review
from appraisals.services import reviews as review_services
from appraisals.tests.reviewing import case_in_queue, expert, sign
from disputes.models import Dispute, PhotoRequest
from disputes.services import dispute_open, dispute_photos_request, dispute_triage
from members.models import Notification, User
from members.roles import Role
from members.tests.factories import UserFactory
from tests.photos import good_jpeg

pytestmark = pytest.mark.django_db
WHY = "The date code font does not match my other bag from the same year."
ASK = "Please send a close photo of the date code, in daylight, and one of the zip pull."


@pytest.fixture
def report(buyer: User, catalog: dict[str, Any]) -> Report:
    case_in_queue(buyer, catalog["handbag"])
    who = expert(email="original@example.com")
    sign(review_services.review_take_next(expert=who), who, "authentic")
    return Report.objects.get()


@pytest.fixture
def dispute(report: Report, buyer: User) -> Dispute:
    opened = dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)
    return dispute_triage(
        dispute=opened,
        staff=UserFactory(email="staff@example.com", roles=[Role.STAFF]),
        decision="reappraise",
    )


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _seated(dispute: Dispute, email: str = "fresh@example.com") -> tuple[User, Client]:
    who = expert(email=email)
    client = _client(who)
    client.post(reverse("admin:appraisals_review_take_next"))
    assert Review.objects.filter(reappraisal=dispute.reappraisal, expert=who).exists()
    return who, client


def test_it_carries_a_reappraisers_request_to_the_holder_and_the_photos_back(
    dispute: Dispute, buyer: User, django_capture_on_commit_callbacks: Any
) -> None:
    who, reappraiser = _seated(dispute)
    brief_url = reverse("admin:disputes_dispute_brief", args=[dispute.pk])
    assert 'id="photo-request-form"' in reappraiser.get(brief_url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        asked = reappraiser.post(brief_url, {"message": ASK})

    assert asked.status_code == 302
    request = PhotoRequest.objects.get()
    assert (request.dispute, request.requested_by, request.answered_at) == (dispute, who, None)
    note = Notification.objects.filter(user=buyer).latest("id")
    assert dispute.reference in note.subject and ASK in note.body
    assert note.link == reverse("disputes:detail", args=[dispute.uid])
    email = [m for m in mail.outbox if buyer.email in m.to][-1]
    assert ASK in email.body and who.email not in email.body

    staff = _client(UserFactory(email="ops@example.com", roles=[Role.STAFF]))
    case = staff.get(reverse("admin:disputes_dispute_change", args=[dispute.pk])).content.decode()
    assert ASK in case.split('id="photo-requests"')[1]

    holder = _client(buyer)
    detail_url = reverse("disputes:detail", args=[dispute.uid])
    page = holder.get(detail_url).content.decode()
    assert ASK in page and f'id="photo-request-{request.pk}"' in page
    assert who.email not in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = holder.post(
            detail_url,
            {"photos": [SimpleUploadedFile("code.jpg", good_jpeg(4), content_type="image/jpeg")]},
        )

    assert sent.status_code == 302
    request.refresh_from_db()
    assert request.answered_at is not None
    evidence = dispute.evidence.get()
    assert evidence.answers == request and evidence.original_name == "code.jpg"
    assert any(who.email in m.to and dispute.reference in m.subject for m in mail.outbox)
    brief = reappraiser.get(brief_url).content.decode()
    evidence_url = reverse("admin:disputes_dispute_evidence", args=[dispute.pk, evidence.pk])
    assert "code.jpg" in brief and evidence_url in brief and 'data-answered="yes"' in brief
    assert reappraiser.get(evidence_url).status_code == 200


def test_only_a_seated_reappraiser_may_ask(dispute: Dispute, buyer: User) -> None:
    brief_url = reverse("admin:disputes_dispute_brief", args=[dispute.pk])
    outsider = expert(email="no.seat@example.com")

    with pytest.raises(PermissionDenied):
        dispute_photos_request(dispute=dispute, expert=outsider, message=ASK)
    assert _client(outsider).post(brief_url, {"message": ASK}).status_code == 404
    assert _client(buyer).post(brief_url, {"message": ASK}).status_code in (302, 403)
    assert not PhotoRequest.objects.exists()


def test_a_request_needs_a_message(dispute: Dispute) -> None:
    who, reappraiser = _seated(dispute)
    brief_url = reverse("admin:disputes_dispute_brief", args=[dispute.pk])

    response = reappraiser.post(brief_url, {"message": "more"})

    assert response.status_code == 400
    assert "Which photos do you need" in response.content.decode()
    with pytest.raises(ValidationError):
        dispute_photos_request(dispute=dispute, expert=who, message="   ")
    assert not PhotoRequest.objects.exists()


def test_staff_who_read_the_brief_are_not_offered_the_request(dispute: Dispute) -> None:
    staff = UserFactory(email="ops@example.com", roles=[Role.STAFF])
    brief_url = reverse("admin:disputes_dispute_brief", args=[dispute.pk])
    client = _client(staff)

    page = client.get(brief_url).content.decode()

    assert 'id="photo-request-form"' not in page
    assert client.post(brief_url, {"message": ASK}).status_code == 403
