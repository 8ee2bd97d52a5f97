"""API v1.1 shapes of a submission: money as amount and currency, one timestamp format, a
choice not made yet as null, both hashes of a photo, bulk results with every key, and time
filters that take any ISO 8601 offset."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from api.tests.conftest import api_for
from tests.photos import encode, real_photo

pytestmark = pytest.mark.django_db

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def _create(api: Any, **fields: Any) -> Any:
    return api.post("/api/v1/submissions/", {"category": "handbag", "brand": "hermes", **fields})


def test_a_declared_value_goes_in_as_money_and_comes_back_with_its_currency(
    partner, catalog
) -> None:  # noqa: ANN001
    api = api_for(partner)

    created = _create(api, declared_value={"amount": "1200.00", "currency": "EUR"})

    assert created.status_code == 201, created.content
    case = created.json()
    assert case["declared_value"] == {"amount": "1200.00", "currency": "EUR"}
    assert case["declared_value_eur"] == 1200  # the deprecated field still says the same
    assert case["price"] is None  # fixed when submitted
    assert case["tier"] == "standard" and case["sandbox_outcome"] is None
    assert TIMESTAMP.match(case["created_at"]) and case["submitted_at"] is None


@pytest.mark.parametrize(
    ("declared_value", "field_message"),
    [
        ({"amount": "1200.50", "currency": "EUR"}, "whole euros"),
        ({"amount": "12", "currency": "USD"}, "not a valid choice"),
        ({"amount": "-3", "currency": "EUR"}, "does not match"),
        ({"amount": 12, "currency": "EUR"}, "as a string"),
        ("1200", ""),
    ],
)
def test_a_declared_value_that_is_not_whole_euros_is_refused_with_the_field(
    partner, catalog, declared_value, field_message
) -> None:  # noqa: ANN001
    answer = _create(api_for(partner), declared_value=declared_value)

    assert answer.status_code == 400, answer.content
    error = answer.json()["error"]
    assert error["code"] == "invalid" and "declared_value" in error["fields"]
    assert field_message in str(error["fields"]["declared_value"])


def test_sending_both_the_value_and_the_deprecated_euros_is_refused(partner, catalog) -> None:  # noqa: ANN001
    answer = _create(
        api_for(partner),
        declared_value={"amount": "100", "currency": "EUR"},
        declared_value_eur=100,
    )

    assert answer.status_code == 400
    assert "not both" in str(answer.json()["error"]["fields"]["declared_value"])


def test_a_photo_states_the_hash_of_what_was_sent_and_of_what_is_stored(partner, catalog) -> None:  # noqa: ANN001
    api = api_for(partner)
    case = _create(api).json()
    png = encode(real_photo(), "PNG")

    photo = api.put_photo(f"/api/v1/submissions/{case['id']}/photos/front/", png, "front.png")

    assert photo.status_code == 200, photo.content
    body = photo.json()
    assert body["received_sha256"] == hashlib.sha256(png).hexdigest()
    # The stored file is the re-encoded JPEG, so its hash is another.
    assert body["sha256"] != body["received_sha256"] and len(body["sha256"]) == 64
    assert TIMESTAMP.match(body["uploaded_at"])


def test_every_bulk_result_has_both_keys_one_of_them_null(partner, catalog) -> None:  # noqa: ANN001
    api = api_for(partner)

    answer = api.post(
        "/api/v1/submissions/bulk/",
        {"items": [{"category": "handbag", "brand": "hermes"}, {"category": "nope"}]},
    )

    assert answer.status_code == 200, answer.content
    created, refused = answer.json()["results"]
    assert created["status"] == 201 and created["error"] is None
    assert created["submission"]["category"] == "handbag"
    assert refused["status"] == 400 and refused["submission"] is None
    assert "category" in refused["error"]["fields"]


@pytest.mark.parametrize("items", [[], "many", [1, 2], None])
def test_a_bulk_envelope_that_is_not_a_list_of_objects_is_refused(partner, catalog, items) -> None:  # noqa: ANN001
    answer = api_for(partner).post("/api/v1/submissions/bulk/", {"items": items})

    assert answer.status_code == 400
    assert "items" in answer.json()["error"]["fields"]


def test_a_time_filter_takes_any_offset_and_compares_in_utc(partner, catalog) -> None:  # noqa: ANN001
    api = api_for(partner)
    case = _create(api).json()
    created = case["created_at"]  # whole seconds, so one second later is after it
    # The same moment written at +05:00 and at +17:42 (beyond what PostgreSQL takes).
    moment = datetime.fromisoformat(created.replace("Z", "+00:00")) + timedelta(seconds=1)
    for offset in (timedelta(hours=5), timedelta(hours=17, minutes=42)):
        local = moment.astimezone(timezone(offset)).isoformat()
        before = api.get("/api/v1/submissions/", created_before=local)
        after = api.get("/api/v1/submissions/", created_after=local)
        assert before.status_code == after.status_code == 200, (before.content, after.content)
        assert [s["id"] for s in before.json()["results"]] == [case["id"]]
        assert after.json()["results"] == []

    out_of_range = api.get("/api/v1/submissions/", created_after="0001-01-01T00:00:00+17:42")
    assert out_of_range.status_code == 400
    assert "out of range" in str(out_of_range.json()["error"]["fields"]["created_after"])
