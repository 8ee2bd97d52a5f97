"""Partners, keys and a small client for the API tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from api.models import ApiKey, Partner, Scope
from members.roles import Role
from members.tests.factories import UserFactory

ALL_SCOPES = [scope.value for scope in Scope]


class Api:
    """The Django test client with a partner's key, speaking JSON."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params)

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.client.post(
            path, body if body is not None else {}, content_type="application/json", **headers
        )

    def put_photo(self, path: str, data: bytes, name: str = "photo.jpg") -> Any:
        upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
        body = encode_multipart(BOUNDARY, {"image": upload})
        return self.client.put(path, body, content_type=MULTIPART_CONTENT)


def partner_make(name: str) -> Partner:
    slug = name.lower().replace(" ", "-")
    account = UserFactory(email=f"api@{slug}.example", roles=[Role.PARTNER])
    return Partner.objects.create(name=name, account=account)


def api_for(partner: Partner, *scopes: str, sandbox: bool = False) -> Api:
    text = ApiKey.issue(
        partner=partner, label="test", scopes=list(scopes or ALL_SCOPES), sandbox=sandbox
    )[1]
    return Api(text)


@pytest.fixture
def partner(db: None) -> Partner:
    return partner_make("Resale Market")


@pytest.fixture
def rival(db: None) -> Partner:
    return partner_make("Rival Bazaar")


def report_signed(owner: Any, category: Any) -> Any:
    """A case of ``owner`` taken through the photo check to the queue and signed authentic by
    a new expert: its report (version 1)."""
    from datetime import timedelta

    from django.utils import timezone

    from appraisals.models import Report, Review
    from appraisals.tests.reviewing import case_in_queue, expert, sign

    case = case_in_queue(owner, category)
    seat = Review.objects.get(submission=case)
    who = expert()
    seat.expert, seat.state = who, Review.State.CLAIMED
    seat.claim_expires_at = timezone.now() + timedelta(minutes=30)
    seat.save(update_fields=["expert", "state", "claim_expires_at"])
    sign(seat, who)
    return Report.objects.get(submission=case)


@pytest.fixture
def report(partner: Partner, catalog: dict[str, Any]) -> Any:
    return report_signed(partner.account, catalog["handbag"])
