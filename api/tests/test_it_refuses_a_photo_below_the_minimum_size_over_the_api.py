"""PUT /api/v1/submissions/<id>/photos/<slot>/ refuses an image too small to be a photo with
400 in the API's error shape, stores nothing, and keeps the photo the slot already had."""

from __future__ import annotations

import pytest
from PIL import Image

from api.tests.conftest import api_for
from appraisals.models import Submission
from conftest import stored_files
from tests.photos import encode, good_jpeg

pytestmark = pytest.mark.django_db

ONE_PIXEL = encode(Image.new("RGB", (1, 1), (120, 90, 60)), "PNG")


def test_it_refuses_a_photo_below_the_minimum_size_over_the_api(
    partner,
    catalog,
    media_root,  # noqa: ANN001
) -> None:
    api = api_for(partner)
    case = api.post(
        "/api/v1/submissions/", {"category": "handbag", "brand": "hermes", "tier": "standard"}
    ).json()
    path = f"/api/v1/submissions/{case['id']}/photos/front/"
    assert api.put_photo(path, good_jpeg(0)).status_code == 200
    before = Submission.objects.get(uid=case["id"]).photos.get()
    files = stored_files(media_root)

    refused = api.put_photo(path, ONE_PIXEL, name="pixel.png")

    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "too_small"
    assert "1×1 pixels" in error["message"] and "main camera" in error["message"]
    assert error["fields"] == {"image": [error["message"]]}
    after = Submission.objects.get(uid=case["id"]).photos.get()
    assert (after.pk, after.sha256, after.image.name) == (
        before.pk,
        before.sha256,
        before.image.name,
    )
    assert stored_files(media_root) == files
    detail = api.get(f"/api/v1/submissions/{case['id']}/").json()
    assert [p["accepted"] for p in detail["photos"]] == [True]
