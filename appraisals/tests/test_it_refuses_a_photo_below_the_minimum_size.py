"""An image too small to show anything (below PHOTO_MIN_ACCEPT_SIDE on its short side) is
refused at upload with the reason and a hint, and nothing is stored. Between that floor and
PHOTO_MIN_SHORT_SIDE a photo is still stored and flagged for a retake, as before."""

import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from appraisals.models import SubmissionPhoto
from appraisals.tests.factories import draft_for
from conftest import stored_files
from tests.photos import encode, good_jpeg, real_photo

pytestmark = pytest.mark.django_db

ONE_PIXEL = encode(Image.new("RGB", (1, 1), (120, 90, 60)), "PNG")


def _sized(width: int, height: int) -> bytes:
    return encode(real_photo(0).resize((width, height), Image.Resampling.LANCZOS))


@pytest.fixture
def draft(client: Client, buyer, catalog):  # noqa: ANN001, ANN201
    client.force_login(buyer)
    return draft_for(buyer, catalog["handbag"])


def _upload(client: Client, draft, data: bytes, slot: str = "front", **extra: object):  # noqa: ANN001, ANN202
    return client.post(
        reverse("appraisals:submission-photo-upload", args=[draft.uid, slot]),
        {"photo": SimpleUploadedFile("photo.png", data, content_type="image/png")},
        **extra,
    )


def _snapshot() -> list[tuple[int, int, str, str]]:
    return sorted(
        SubmissionPhoto.objects.values_list("pk", "slot_id", "sha256", "image").order_by("pk")
    )


def test_it_refuses_a_one_pixel_image_with_the_reason_and_a_hint(
    client: Client,
    draft,
    media_root,  # noqa: ANN001
) -> None:
    response = _upload(client, draft, ONE_PIXEL, HTTP_HX_REQUEST="true")

    assert response.status_code == 400
    body = response.content.decode()
    assert "1×1 pixels" in body and "too small" in body
    assert "main camera" in body  # the hint
    assert not SubmissionPhoto.objects.exists()
    assert stored_files(media_root) == []


def test_without_javascript_the_refusal_is_shown_on_the_photos_page(
    client: Client,
    draft,  # noqa: ANN001
) -> None:
    response = _upload(client, draft, ONE_PIXEL, follow=True)

    assert "Front: This image is only 1×1 pixels" in response.content.decode()
    assert not SubmissionPhoto.objects.exists()


def test_a_refused_image_keeps_the_photos_already_saved(
    client: Client,
    draft,
    media_root,  # noqa: ANN001
) -> None:
    for index, slot in enumerate(["front", "back"]):
        saved = _upload(client, draft, good_jpeg(index), slot=slot, HTTP_HX_REQUEST="true")
        assert saved.status_code == 200
    before, files = _snapshot(), stored_files(media_root)

    assert _upload(client, draft, ONE_PIXEL, slot="front").status_code == 302
    assert _upload(client, draft, ONE_PIXEL, slot="back", HTTP_HX_REQUEST="true").status_code == 400

    assert _snapshot() == before
    assert stored_files(media_root) == files


def test_a_batch_refuses_the_tiny_image_and_places_the_others(
    client: Client,
    draft,
    media_root,  # noqa: ANN001
) -> None:
    assert _upload(client, draft, good_jpeg(0), HTTP_HX_REQUEST="true").status_code == 200
    kept = _snapshot()
    files = [
        SimpleUploadedFile("good.jpg", good_jpeg(1)),
        SimpleUploadedFile("pixel.png", ONE_PIXEL),
        SimpleUploadedFile("good2.jpg", good_jpeg(2)),
    ]

    response = client.post(
        reverse("appraisals:submission-photos-batch", args=[draft.uid]),
        {"photos": files},
        follow=True,
    )

    body = response.content.decode()
    assert "pixel.png: This image is only 1×1 pixels" in body
    assert "Placed 2 photos" in body
    assert SubmissionPhoto.objects.count() == 3
    assert set(kept) <= set(_snapshot())
    assert len(stored_files(media_root)) == 3


def test_the_floor_is_a_setting_and_above_it_a_small_photo_is_stored_for_a_retake(
    client: Client,
    draft,
    media_root,
    settings: LazySettings,  # noqa: ANN001
) -> None:
    settings.PHOTO_MIN_ACCEPT_SIDE = 100
    settings.PHOTO_MIN_SHORT_SIDE = 400

    refused = _upload(client, draft, _sized(150, 99), HTTP_HX_REQUEST="true")
    assert refused.status_code == 400 and "150×99 pixels" in refused.content.decode()
    assert "at least 400 pixels" in refused.content.decode()
    assert not SubmissionPhoto.objects.exists()

    stored = _upload(client, draft, _sized(150, 100), HTTP_HX_REQUEST="true")
    assert stored.status_code == 200
    photo = SubmissionPhoto.objects.get()
    assert (photo.width, photo.height, photo.quality_ok) == (150, 100, False)
    assert "low_resolution" in [issue["code"] for issue in photo.quality["issues"]]
    assert len(stored_files(media_root)) == 1
