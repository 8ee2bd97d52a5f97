"""A partner orders the Priority (12 h) service tier like any other (due 12 hours after it is
submitted, with no member plan: a partner's account is not a member's), and the OpenAPI
schema lists it in the tier enum."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from api.tests.conftest import api_for, partner_make
from appraisals.models import Submission
from tests.photos import good_jpeg

pytestmark = pytest.mark.django_db


def test_a_partner_can_order_priority_and_the_schema_lists_it(
    catalog: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    api = api_for(partner_make("Resale Market"))
    body = {"category": "handbag", "brand": "hermes", "tier": "priority"}

    created = api.post("/api/v1/submissions/", body)

    assert created.status_code == 201, created.content
    assert created.json()["tier"] == "priority"
    uid = created.json()["id"]
    for index, slot in enumerate(catalog["handbag"].slots.order_by("position")):
        put = api.put_photo(f"/api/v1/submissions/{uid}/photos/{slot.code}/", good_jpeg(index))
        assert put.status_code == 200
    with django_capture_on_commit_callbacks(execute=False):
        assert api.post(f"/api/v1/submissions/{uid}/submit/").status_code == 202
    case = Submission.objects.get(uid=uid)
    assert case.submitted_at is not None
    assert case.due_at == case.submitted_at + timedelta(hours=12)
    assert (case.member_plan, case.member_priority) == ("", 0)
    refused = api.post("/api/v1/submissions/", {**body, "tier": "overnight"})
    assert refused.status_code == 400 and "tier" in refused.json()["error"]["fields"]
    schema = Client().get(reverse("api:schema"), {"format": "json"}).json()
    tiers = [
        component["enum"]
        for name, component in schema["components"]["schemas"].items()
        if name.startswith("Tier") and "enum" in component
    ]
    assert tiers and all(set(enum) == {"standard", "priority", "express"} for enum in tiers)
