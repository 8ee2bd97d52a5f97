"""A partner's submissions through the API: create, upload per slot, submit, read, list,
bulk; with the same checks as the website and only its own organisation's data."""

from __future__ import annotations

from typing import Any

import pytest

from api.models import Scope
from api.tests.conftest import api_for
from appraisals.models import Submission
from appraisals.tasks import submission_check_photos
from tests.photos import blurry_jpeg, encode, good_jpeg, real_photo

pytestmark = pytest.mark.django_db


def _create(api: Any, **fields: Any) -> Any:
    body = {"category": "handbag", "brand": "hermes", "tier": "standard", **fields}
    return api.post("/api/v1/submissions/", body)


def test_a_partner_creates_uploads_submits_and_reads_the_status(partner, catalog) -> None:  # noqa: ANN001
    api = api_for(partner)
    created = _create(api, external_reference="order-77", serial_code=" ab 123 ")
    assert created.status_code == 201, created.content
    case = created.json()
    assert case["status"] == "draft" and case["external_reference"] == "order-77"
    assert case["serial_code"] == "AB 123" and not case["sandbox"]
    slots = [s["code"] for s in catalog["handbag"].slots.order_by("position").values("code")]
    assert case["missing_slots"] == [
        s.code for s in catalog["handbag"].slots.order_by("position") if s.required
    ]

    early = api.post(f"/api/v1/submissions/{case['id']}/submit/")
    assert early.status_code == 400 and "required" in early.json()["error"]["message"]

    rejected = api.put_photo(f"/api/v1/submissions/{case['id']}/photos/{slots[0]}/", blurry_jpeg())
    assert rejected.status_code == 200 and rejected.json()["accepted"] is False
    issue = rejected.json()["issues"][0]
    assert issue["code"] == "blurry" and issue["reason"] == "Blurry" and "hold" in issue["hint"]

    for index, slot in enumerate(slots):
        put = api.put_photo(f"/api/v1/submissions/{case['id']}/photos/{slot}/", good_jpeg(index))
        assert put.status_code == 200 and put.json()["accepted"], put.json()
    submitted = api.post(f"/api/v1/submissions/{case['id']}/submit/")
    assert submitted.status_code == 202 and submitted.json()["status"] == "submitted"

    again = api.post(f"/api/v1/submissions/{case['id']}/submit/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    row = Submission.objects.get(uid=case["id"])
    assert submission_check_photos.apply(args=[row.pk, row.round]).get() == "queued"
    detail = api.get(f"/api/v1/submissions/{case['id']}/").json()
    assert detail["status"] == "queued" and detail["blockers"] == []
    timeline = api.get(f"/api/v1/submissions/{case['id']}/timeline/").json()["results"]
    assert [e["kind"] for e in timeline][:2] == ["created", "submitted"]
    assert "photos_accepted" in [e["kind"] for e in timeline]
    listed = api.get("/api/v1/submissions/", external_reference="order-77").json()
    assert [s["id"] for s in listed["results"]] == [case["id"]]


def test_files_we_cannot_take_get_413_415_or_400_with_a_reason(partner, catalog) -> None:  # noqa: ANN001
    api = api_for(partner)
    case = _create(api).json()
    slot = catalog["handbag"].slots.order_by("position").first().code
    path = f"/api/v1/submissions/{case['id']}/photos/{slot}/"

    gif = api.put_photo(path, encode(real_photo(), "GIF"), name="x.gif")
    text = api.put_photo(path, b"hello, not a photo", name="x.jpg")
    nothing = api.client.put(path, b"{}", content_type="application/json")
    wrong_slot = api.put_photo(f"/api/v1/submissions/{case['id']}/photos/dial/", good_jpeg())

    assert gif.status_code == 415 and gif.json()["error"]["fields"]["image"]
    assert text.status_code == 400 and text.json()["error"]["code"] == "not_an_image"
    assert nothing.status_code == 415
    assert wrong_slot.status_code == 404
    assert Submission.objects.get(uid=case["id"]).photos.count() == 0


def test_bad_bodies_get_400_with_fields_and_nothing_is_created(partner, catalog) -> None:  # noqa: ANN001
    api = api_for(partner)
    assert _create(api, brand="no-such-brand").json()["error"]["fields"]["brand"]
    assert _create(api, brand="rolex").json()["error"]["fields"]["brand"]  # no Rolex handbags
    assert _create(api, tier="overnight").status_code == 400
    assert _create(api, sandbox_outcome="counterfeit").json()["error"]["fields"]["sandbox_outcome"]
    raw = api.client.post("/api/v1/submissions/", "{not json", content_type="application/json")
    assert raw.status_code == 400 and raw.json()["error"]["code"] == "parse_error"
    assert Submission.objects.count() == 0


def test_bulk_keeps_the_items_that_succeeded(partner, catalog) -> None:  # noqa: ANN001
    api = api_for(partner)
    items = [
        {"category": "handbag", "brand": "hermes", "external_reference": "a"},
        {"category": "handbag", "brand": "rolex", "external_reference": "b"},
        {"category": "watch", "brand": "rolex", "external_reference": "c"},
        {"category": "nothing"},
    ]

    response = api.post("/api/v1/submissions/bulk/", {"items": items})

    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["failed"]) == (2, 2)
    assert [r["status"] for r in body["results"]] == [201, 400, 201, 400]
    assert body["results"][1]["error"]["fields"]["brand"]
    assert body["results"][3]["error"]["fields"]["category"]
    kept = Submission.objects.order_by("external_reference").values_list(
        "external_reference", flat=True
    )
    assert list(kept) == ["a", "c"]
    too_many = api.post("/api/v1/submissions/bulk/", {"items": [items[0]] * 101})
    assert too_many.status_code == 400 and Submission.objects.count() == 2


def test_another_partners_objects_are_404_and_lists_are_empty(partner, rival, catalog) -> None:  # noqa: ANN001
    mine, theirs = api_for(partner), api_for(rival)
    case = _create(mine).json()
    sandbox = api_for(partner, sandbox=True)
    slot = catalog["handbag"].slots.first().code
    for path in (
        f"/api/v1/submissions/{case['id']}/",
        f"/api/v1/submissions/{case['id']}/timeline/",
    ):
        assert theirs.get(path).status_code == 404
        assert sandbox.get(path).status_code == 404  # sandbox and live never mix
    assert theirs.post(f"/api/v1/submissions/{case['id']}/submit/").status_code == 404
    put = theirs.put_photo(f"/api/v1/submissions/{case['id']}/photos/{slot}/", good_jpeg())
    assert put.status_code == 404
    assert theirs.get("/api/v1/submissions/").json()["results"] == []
    assert Submission.objects.get(uid=case["id"]).photos.count() == 0


def test_scopes_and_revoked_keys(partner, catalog) -> None:  # noqa: ANN001
    from api.models import ApiKey
    from api.services import api_key_revoke

    reader = api_for(partner, Scope.CATALOG_READ)
    assert reader.get("/api/v1/catalog/categories/").status_code == 200
    refused = _create(reader)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    assert reader.get("/api/v1/reports/").status_code == 403
    # Revoked in the admin (its action calls this) while the key sits in the cache.
    api_key_revoke(key=ApiKey.objects.get())
    revoked = reader.get("/api/v1/catalog/categories/")
    assert revoked.status_code == 401 and revoked["WWW-Authenticate"] == "Bearer"
