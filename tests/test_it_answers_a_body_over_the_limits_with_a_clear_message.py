"""A request body over one of Django's limits (too many files, too many fields, too much form
data) or over the batch size gets a clear answer, with DEBUG on or off: a page visitor goes
back to the page they came from with a message in their language (or, with no page to go back
to, gets a page saying so), and /api/ answers in the API's error shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from api.models import Partner
from api.tests.conftest import api_for, partner_make
from appraisals.models import SubmissionPhoto
from appraisals.tests.factories import draft_for
from tests.photos import good_jpeg

pytestmark = pytest.mark.django_db

TOO_MANY_PHOTOS = "At most 12 photos per batch: send the others in another batch."


def _photos(count: int) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"photo{n}.jpg", good_jpeg(n)) for n in range(count)]


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request: pytest.FixtureRequest, settings: Any) -> bool:
    """Each test that takes it runs with DEBUG off and on: with DEBUG on, Django would answer
    these limits with its technical page."""
    settings.DEBUG = request.param
    return bool(request.param)


@pytest.fixture
def partner(db: None) -> Partner:
    return partner_make("Resale Market")


@pytest.fixture
def photos_page(client: Client, buyer, catalog) -> tuple[str, str]:  # noqa: ANN001
    """The photos step of a buyer's draft, and where its batch form posts."""
    client.force_login(buyer)
    draft = draft_for(buyer, catalog["handbag"])
    return (
        reverse("appraisals:submission-photos", args=[draft.uid]),
        reverse("appraisals:submission-photos-batch", args=[draft.uid]),
    )


def _api_case(api: Any) -> str:
    body = {"category": "handbag", "brand": "hermes", "tier": "standard"}
    case = api.post("/api/v1/submissions/", body).json()
    return f"/api/v1/submissions/{case['id']}/photos/front/"


def _assert_api_error(response: Any, status: int, code: str, message: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": {"code": code, "message": message, "fields": {}}}


def test_too_many_photos_in_a_batch_go_back_to_the_page_with_a_message(
    client: Client,
    photos_page: tuple[str, str],
    debug: bool,
) -> None:
    page, batch = photos_page

    response = client.post(batch, {"photos": _photos(13)}, HTTP_REFERER=f"http://testserver{page}")

    assert response.status_code == 302 and response["Location"] == f"http://testserver{page}"
    assert TOO_MANY_PHOTOS in client.get(page).content.decode()
    assert not SubmissionPhoto.objects.exists()


def test_the_message_is_in_the_visitors_language(
    client: Client,
    photos_page: tuple[str, str],
) -> None:
    page, batch = photos_page
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    client.post(batch, {"photos": _photos(13)}, HTTP_REFERER=f"http://testserver{page}")

    assert "每批最多 12 张照片" in client.get(page).content.decode()


def test_with_no_page_to_go_back_to_a_page_says_so_and_links_home(
    client: Client,
    photos_page: tuple[str, str],
    debug: bool,
) -> None:
    _page, batch = photos_page

    # No Referer, and one from another site: neither is followed.
    plain = client.post(batch, {"photos": _photos(13)})
    foreign = client.post(batch, {"photos": _photos(13)}, HTTP_REFERER="https://evil.example/")

    for response in (plain, foreign):
        assert response.status_code == 400
        page = response.content.decode()
        assert TOO_MANY_PHOTOS in page
        assert 'href="/"' in page and "Traceback" not in page


def test_too_many_form_fields_go_back_with_a_message(
    client: Client,
    photos_page: tuple[str, str],
    settings: Any,
    debug: bool,
) -> None:
    page, batch = photos_page
    fields = {f"field{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}

    response = client.post(batch, fields, HTTP_REFERER=f"http://testserver{page}")

    assert response.status_code == 302
    assert "Too many form fields were sent (at most 1000)" in client.get(page).content.decode()


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_too_much_form_data_goes_back_with_a_message(
    client: Client,
    photos_page: tuple[str, str],
    settings: Any,
    debug: bool,
    encoding: str,
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024
    page, batch = photos_page
    fields = {"note": "x" * 20 * 1024}

    if encoding == "urlencoded":
        response = client.post(
            batch,
            "note=" + fields["note"],
            content_type="application/x-www-form-urlencoded",
            HTTP_REFERER=f"http://testserver{page}",
        )
    else:
        response = client.post(batch, fields, HTTP_REFERER=f"http://testserver{page}")

    assert response.status_code == 302
    message = "This request is too large: at most 10.0\xa0KB of data besides the photos."
    assert message in client.get(page).content.decode()


def test_the_api_answers_too_many_files_in_its_error_shape(
    partner,  # noqa: ANN001
    catalog,  # noqa: ANN001
    debug: bool,
) -> None:
    api = api_for(partner)
    photo = _api_case(api)

    body = encode_multipart(BOUNDARY, {"image": _photos(13)})
    response = api.client.put(photo, body, content_type=MULTIPART_CONTENT)

    _assert_api_error(response, 400, "too_many_files", TOO_MANY_PHOTOS)
    assert not SubmissionPhoto.objects.exists()


def test_the_api_answers_a_form_of_too_many_fields_as_a_media_type_it_does_not_take(
    partner,  # noqa: ANN001
    settings: Any,
    debug: bool,
) -> None:
    # Since v1.1 the API's bodies are JSON (and the photo upload's multipart): a form is refused
    # for what it is, before its fields are counted.
    api = api_for(partner)
    fields = "&".join(f"field{n}=x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))

    response = api.client.post(
        "/api/v1/submissions/", fields, content_type="application/x-www-form-urlencoded"
    )

    _assert_api_error(
        response,
        415,
        "unsupported_media_type",
        'Unsupported media type "application/x-www-form-urlencoded" in request.',
    )


def test_the_api_answers_too_much_data_in_its_error_shape(
    partner,  # noqa: ANN001
    settings: Any,
    debug: bool,
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024
    api = api_for(partner)
    body = {"category": "handbag", "brand": "hermes", "external_reference": "x" * 20 * 1024}

    # The idempotency fingerprint reads the body whole, as Django reads form data.
    response = api.post("/api/v1/submissions/", body, HTTP_IDEMPOTENCY_KEY="big-1")

    _assert_api_error(
        response,
        413,
        "too_large",
        "This request is too large: at most 10.0\xa0KB of data besides the photos.",
    )


def test_the_api_answers_a_body_over_the_batch_size_in_its_error_shape(
    partner,  # noqa: ANN001
    catalog,  # noqa: ANN001
    settings: Any,
) -> None:
    settings.PHOTO_MAX_BYTES = 1024
    settings.PHOTOS_PER_BATCH = 2
    api = api_for(partner)
    photo = _api_case(api)

    response = api.put_photo(photo, b"x" * (3 * 1024 * 1024))

    _assert_api_error(
        response,
        413,
        "too_large",
        "This upload is too large (3.0\xa0MB). Send at most 2 photos of up to 1.0\xa0KB each "
        "at a time.",
    )
