"""A transfer link is good for fourteen days: after that the new owner is told to ask for a new
one, and the item stays where it was."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import User
from members.tests.factories import UserFactory
from passports.models import Transfer
from passports.services import transfer_propose
from passports.tests.items import item_of
from passports.tests.transfers import signed_in

pytestmark = pytest.mark.django_db


def test_an_expired_link_is_refused(buyer: User, catalog: dict[str, Any]) -> None:
    item = item_of(buyer, catalog["handbag"])
    addressee = UserFactory(email="friend@example.com")
    transfer = transfer_propose(item=item, owner=buyer, to_email=addressee.email)
    lifetime = transfer.expires_at - transfer.created_at
    assert abs(lifetime - timedelta(days=14)) < timedelta(seconds=1)
    Transfer.objects.filter(pk=transfer.pk).update(expires_at=timezone.now())

    response = signed_in(addressee).post(
        reverse("passports:transfer", args=[transfer.token]), {"action": "accept"}
    )

    assert response.status_code == 400
    assert "expired; ask the owner to send a new one" in response.content.decode()
    item.refresh_from_db()
    assert item.owner == buyer
