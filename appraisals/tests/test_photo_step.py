"""The photo step: leaving it is refused while a required photo is missing, naming each one;
a retaken photo gets a new address, so no cache shows the old one."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from appraisals.models import Submission
from appraisals.tests.factories import draft_for
from tests.photos import blurry_jpeg, good_jpeg

pytestmark = pytest.mark.django_db


def _upload(client: Client, submission: Submission, slot_code: str, data: bytes) -> str:
    response = client.post(
        reverse("appraisals:submission-photo-upload", args=[submission.uid, slot_code]),
        {"photo": SimpleUploadedFile("p.jpg", data, content_type="image/jpeg")},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    return response.content.decode()


def test_it_refuses_to_leave_the_photo_step_naming_the_missing_slots(
    client: Client,
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
) -> None:
    handbag = catalog["handbag"]
    submission = draft_for(buyer, handbag)
    client.force_login(buyer)
    url = reverse("appraisals:submission-photos-continue", args=[submission.uid])

    refused = client.post(url)

    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'id="photos-refused"' in page
    required = handbag.slots.filter(required=True)
    assert required.exists()
    for slot in required:
        assert f"Add a photo for “{slot.name}” (required)." in page
    # The step itself said so before the click, by the Continue button.
    before = client.get(reverse("appraisals:submission-photos", args=[submission.uid]))
    todo = before.content.decode().split('id="photos-todo"')[1].split("</div>")[0]
    for slot in required:
        assert slot.name in todo


def test_it_refuses_a_photo_that_must_be_retaken_too(
    client: Client,
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
) -> None:
    handbag = catalog["handbag"]
    submission = draft_for(buyer, handbag, with_photos=True)
    client.force_login(buyer)
    slot = handbag.slots.order_by("position").first()
    card = _upload(client, submission, slot.code, blurry_jpeg(0))
    # The card's answer refreshes the step's to-do line too (out of band).
    assert 'id="photos-todo"' in card and 'hx-swap-oob="true"' in card

    refused = client.post(reverse("appraisals:submission-photos-continue", args=[submission.uid]))

    assert refused.status_code == 400
    assert f"Retake “{slot.name}”" in refused.content.decode()


def test_it_goes_on_to_the_details_once_every_required_photo_is_in(
    client: Client,
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
) -> None:
    submission = draft_for(buyer, catalog["handbag"], with_photos=True)
    client.force_login(buyer)

    response = client.post(reverse("appraisals:submission-photos-continue", args=[submission.uid]))

    assert response.status_code == 302
    assert response["Location"] == reverse("appraisals:submission-details", args=[submission.uid])


def test_only_the_owner_may_continue(client: Client, buyer, stranger, catalog) -> None:  # noqa: ANN001
    submission = draft_for(buyer, catalog["handbag"], with_photos=True)
    client.force_login(stranger)
    url = reverse("appraisals:submission-photos-continue", args=[submission.uid])
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405


def test_a_retaken_photo_has_a_new_address_that_serves_the_new_bytes(
    client: Client,
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
) -> None:
    submission = draft_for(buyer, catalog["handbag"])
    slot = catalog["handbag"].slots.order_by("position").first()
    client.force_login(buyer)

    def image_url(card: str) -> str:
        return card.split('<img src="')[1].split('"')[0].replace("&amp;", "&")

    first = image_url(_upload(client, submission, slot.code, blurry_jpeg(0)))
    second = image_url(_upload(client, submission, slot.code, good_jpeg(0)))

    assert first != second
    photo = submission.photos.get()
    assert second.endswith(f"?v={photo.sha256}")
    response = client.get(second)
    assert response.getvalue() == photo.image.open("rb").read()
    assert "immutable" in response["Cache-Control"]
    # The old address is no longer the current version: never kept.
    assert client.get(first)["Cache-Control"] == "private, no-cache"
