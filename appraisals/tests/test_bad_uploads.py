"""Bad files get a clear message and a 4xx, and leave no row and no file behind."""

import io
import struct
import zlib

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


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge canvas: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0xA431] = "SERIAL-XYZ-0042"  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (48.0, 51.0, 29.0)
    gps[3], gps[4] = "E", (2.0, 17.0, 40.0)
    return encode(real_photo(0), exif=exif.tobytes())


BAD_FILES = {
    "zero-byte": (b"", "empty"),
    "truncated": (good_jpeg(0)[:4000], "damaged"),
    "bomb": (_png_claiming(40_000, 40_000), "too large in pixels"),
    "not-an-image": (b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "not a photo"),
}


@pytest.fixture
def draft(client: Client, buyer, catalog):  # noqa: ANN001, ANN201
    client.force_login(buyer)
    return draft_for(buyer, catalog["handbag"])


def _post(client: Client, draft, data: bytes, name: str = "photo.jpg"):  # noqa: ANN001, ANN202
    return client.post(
        reverse("appraisals:submission-photo-upload", args=[draft.uid, "front"]),
        {"photo": SimpleUploadedFile(name, data, content_type="image/jpeg")},
        HTTP_HX_REQUEST="true",
    )


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_it_rejects_a_bad_file_with_a_message_and_no_leftovers(
    client: Client,
    draft,
    media_root,
    case: str,  # noqa: ANN001
) -> None:
    data, message = BAD_FILES[case]
    response = _post(client, draft, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SubmissionPhoto.objects.exists()
    assert stored_files(media_root) == []


def test_it_rejects_a_file_over_the_size_limit(
    client: Client,
    draft,
    media_root,
    settings: LazySettings,  # noqa: ANN001
) -> None:
    settings.PHOTO_MAX_BYTES = 100_000
    response = _post(client, draft, good_jpeg(0) + b"\0" * 200_000)
    assert response.status_code == 400
    assert "the limit is" in response.content.decode()
    assert not SubmissionPhoto.objects.exists()
    assert stored_files(media_root) == []


def test_a_bad_file_does_not_lose_the_photo_already_in_the_slot(
    client: Client,
    draft,
    media_root,  # noqa: ANN001
) -> None:
    assert _post(client, draft, good_jpeg(0)).status_code == 200
    before = SubmissionPhoto.objects.get()
    assert _post(client, draft, b"not a photo at all").status_code == 400
    after = SubmissionPhoto.objects.get()
    assert (after.pk, after.sha256, after.image.name) == (
        before.pk,
        before.sha256,
        before.image.name,
    )
    assert stored_files(media_root) == [media_root / after.image.name]


def test_a_photo_with_gps_exif_is_stored_without_any_metadata(
    client: Client,
    draft,
    media_root,  # noqa: ANN001
) -> None:
    original = _gps_jpeg()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the fixture has GPS
    assert _post(client, draft, original).status_code == 200
    photo = SubmissionPhoto.objects.get()
    stored = (media_root / photo.image.name).read_bytes()
    image = Image.open(io.BytesIO(stored))
    assert not image.getexif()
    assert "exif" not in image.info and "icc_profile" not in image.info
    assert b"SERIAL-XYZ-0042" not in stored and b"PhoneMaker" not in stored
    import hashlib

    assert photo.sha256 == hashlib.sha256(stored).hexdigest()


def test_without_javascript_the_rejection_is_shown_on_the_photos_page(
    client: Client,
    draft,  # noqa: ANN001
) -> None:
    response = client.post(
        reverse("appraisals:submission-photo-upload", args=[draft.uid, "front"]),
        {"photo": SimpleUploadedFile("x.jpg", b"", content_type="image/jpeg")},
        follow=True,
    )
    assert "Front: The file is empty" in response.content.decode()


def test_a_bad_file_in_a_batch_does_not_stop_the_good_ones(
    client: Client,
    draft,
    media_root,  # noqa: ANN001
) -> None:
    files = [
        SimpleUploadedFile("good1.jpg", good_jpeg(0)),
        SimpleUploadedFile("broken.jpg", good_jpeg(1)[:3000]),
        SimpleUploadedFile("good2.jpg", good_jpeg(2)),
    ]
    response = client.post(
        reverse("appraisals:submission-photos-batch", args=[draft.uid]),
        {"photos": files},
        follow=True,
    )
    body = response.content.decode()
    assert "broken.jpg: The photo is damaged" in body
    assert SubmissionPhoto.objects.count() == 2
    assert len(stored_files(media_root)) == 2


def test_a_body_larger_than_any_batch_is_refused_before_it_is_read(
    client: Client,
    draft,
    settings: LazySettings,  # noqa: ANN001
) -> None:
    settings.PHOTO_MAX_BYTES = 1024
    settings.PHOTOS_PER_BATCH = 2
    response = _post(client, draft, b"x" * (3 * 1024 * 1024))
    assert response.status_code == 413
    assert "This upload is too large" in response.content.decode()
    assert not SubmissionPhoto.objects.exists()
