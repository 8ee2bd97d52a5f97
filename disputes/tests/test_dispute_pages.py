"""The holder's dispute pages: open with evidence, follow it, and the limits, as a browser
posts them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appraisals.models import Report
from appraisals.services import reviews as review_services
from appraisals.tests.reviewing import case_in_queue, expert, sign
from disputes.models import Dispute
from tests.photos import good_jpeg

pytestmark = pytest.mark.django_db
WHY = "The date code font does not match my other bag from the same year."


@pytest.fixture
def report(buyer, catalog) -> Report:  # noqa: ANN001
    case_in_queue(buyer, catalog["handbag"])
    who = expert()
    sign(review_services.review_take_next(expert=who), who, "authentic")
    return Report.objects.get()


def test_the_holder_opens_a_dispute_with_evidence(report, buyer) -> None:  # noqa: ANN001
    client = Client()
    client.force_login(buyer)
    detail = client.get(reverse("appraisals:submission-detail", args=[report.submission.uid]))
    new_url = reverse("disputes:new", args=[report.public_token])
    assert new_url in detail.content.decode()

    response = client.post(
        new_url,
        {
            "reason": "wrong_verdict",
            "description": WHY,
            "photos": [
                SimpleUploadedFile("tag.jpg", good_jpeg(2), content_type="image/jpeg"),
                SimpleUploadedFile("broken.jpg", b"not a photo", content_type="image/jpeg"),
            ],
            "documents": [SimpleUploadedFile("r.pdf", b"%PDF-1.4\n", "application/pdf")],
        },
        follow=True,
    )

    dispute = Dispute.objects.get()
    page = response.content.decode()
    assert response.status_code == 200
    assert dispute.reference in page and "To be resolved by" in page
    assert "broken.jpg:" in page  # the bad file is named; the others are kept
    assert dispute.evidence.count() == 2
    # A second dispute of the same report leads to the open one.
    again = client.get(new_url)
    assert again.status_code == 302 and str(dispute.uid) in again["Location"]


def test_a_stranger_sees_neither_the_form_nor_the_dispute(report, buyer, stranger) -> None:  # noqa: ANN001
    owner = Client()
    owner.force_login(buyer)
    owner.post(
        reverse("disputes:new", args=[report.public_token]),
        {"reason": "other", "description": WHY},
    )
    dispute = Dispute.objects.get()
    other = Client()
    other.force_login(stranger)

    assert other.get(reverse("disputes:new", args=[report.public_token])).status_code == 404
    assert other.get(reverse("disputes:detail", args=[dispute.uid])).status_code == 404


def test_out_of_window_the_page_says_why(report, buyer, monkeypatch) -> None:  # noqa: ANN001
    later = timezone.now() + timedelta(days=91)
    monkeypatch.setattr("disputes.services.timezone.now", lambda: later)
    monkeypatch.setattr("disputes.views.timezone.now", lambda: later)
    client = Client()
    client.force_login(buyer)
    url = reverse("disputes:new", args=[report.public_token])

    page = client.get(url).content.decode()
    refused = client.post(url, {"reason": "other", "description": WHY})

    assert "The dispute window closed on" in page
    assert refused.status_code == 400
    assert "dispute window closed on" in refused.content.decode()
    assert not Dispute.objects.exists()


def test_a_bad_form_is_a_400_with_the_reason(report, buyer) -> None:  # noqa: ANN001
    client = Client()
    client.force_login(buyer)

    response = client.post(
        reverse("disputes:new", args=[report.public_token]),
        {"reason": "nonsense", "description": "short"},
    )

    assert response.status_code == 400
    assert not Dispute.objects.exists()
