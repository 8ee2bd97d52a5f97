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
from tests.photos import blurry_jpeg, good_jpeg

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
            "photos": [SimpleUploadedFile("tag.jpg", good_jpeg(2), content_type="image/jpeg")],
            "documents": [SimpleUploadedFile("r.pdf", b"%PDF-1.4\n", "application/pdf")],
        },
        follow=True,
    )

    dispute = Dispute.objects.get()
    page = response.content.decode()
    assert response.status_code == 200
    assert dispute.reference in page and "To be resolved by" in page
    assert dispute.evidence.count() == 2
    # A second dispute of the same report leads to the open one.
    again = client.get(new_url)
    assert again.status_code == 302 and str(dispute.uid) in again["Location"]


def test_it_refuses_a_bad_evidence_photo_by_name_and_opens_nothing(report, buyer) -> None:  # noqa: ANN001
    client = Client()
    client.force_login(buyer)

    response = client.post(
        reverse("disputes:new", args=[report.public_token]),
        {
            "reason": "wrong_verdict",
            "description": WHY,
            "photos": [
                SimpleUploadedFile("tag.jpg", good_jpeg(2), content_type="image/jpeg"),
                SimpleUploadedFile("broken.jpg", b"not a photo", content_type="image/jpeg"),
            ],
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert not Dispute.objects.exists()
    assert 'id="evidence-errors"' in page and "broken.jpg:" in page
    assert "tag.jpg" not in page.split('id="evidence-errors"')[1].split("</ul>")[0]
    assert "choose the files again" in page
    # What the holder typed is still there.
    assert WHY in page and 'value="wrong_verdict" required id="id_reason_0" checked' in page


def test_it_refuses_a_blurry_evidence_photo_with_the_reason(report, buyer) -> None:  # noqa: ANN001
    client = Client()
    client.force_login(buyer)

    response = client.post(
        reverse("disputes:new", args=[report.public_token]),
        {
            "reason": "other",
            "description": WHY,
            "photos": [SimpleUploadedFile("blurry.jpg", blurry_jpeg(1), content_type="image/jpeg")],
        },
    )

    page = response.content.decode()
    assert response.status_code == 400 and not Dispute.objects.exists()
    assert "blurry.jpg: this photo can&#x27;t be used:" in page


def test_the_holder_reads_their_own_complaint_on_the_dispute_page(report, buyer) -> None:  # noqa: ANN001
    client = Client()
    client.force_login(buyer)
    client.post(
        reverse("disputes:new", args=[report.public_token]),
        {"reason": "wear_not_stated", "description": WHY + "\nSecond line."},
    )
    dispute = Dispute.objects.get()

    page = client.get(reverse("disputes:detail", args=[dispute.uid])).content.decode()

    complaint = page.split('id="dispute-complaint"')[1].split("</section>")[0]
    assert WHY in complaint and "Second line." in complaint
    assert "Wear or repairs were not stated" in complaint


def test_a_refused_file_on_the_dispute_page_adds_nothing(report, buyer) -> None:  # noqa: ANN001
    client = Client()
    client.force_login(buyer)
    client.post(
        reverse("disputes:new", args=[report.public_token]),
        {"reason": "other", "description": WHY},
    )
    dispute = Dispute.objects.get()
    url = reverse("disputes:detail", args=[dispute.uid])

    refused = client.post(
        url,
        {
            "photos": [
                SimpleUploadedFile("ok.jpg", good_jpeg(3), content_type="image/jpeg"),
                SimpleUploadedFile("bad.jpg", b"nope", content_type="image/jpeg"),
            ]
        },
    )
    empty = client.post(url, {})

    assert refused.status_code == 400 and "bad.jpg:" in refused.content.decode()
    assert empty.status_code == 400 and "Choose a photo or a PDF to add." in empty.content.decode()
    assert dispute.evidence.count() == 0


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


def test_a_bad_form_with_files_says_to_choose_them_again(report, buyer) -> None:  # noqa: ANN001
    client = Client()
    client.force_login(buyer)

    response = client.post(
        reverse("disputes:new", args=[report.public_token]),
        {
            "reason": "other",
            "description": "short",
            "photos": [SimpleUploadedFile("tag.jpg", good_jpeg(2), content_type="image/jpeg")],
        },
    )

    page = response.content.decode()
    assert response.status_code == 400 and not Dispute.objects.exists()
    assert "choose them again" in page and "short</textarea>" in page
    assert "Describe the problem in 20 to 5,000 characters." in page
