"""An owner who changed their mind cancels the transfer on the item's page: the link they sent
no longer works, and they may propose a new one."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from members.models import User
from members.tests.factories import UserFactory
from passports.models import Transfer
from passports.tests.items import item_of
from passports.tests.transfers import signed_in

pytestmark = pytest.mark.django_db


def test_the_owner_cancels_and_the_link_stops_working(buyer: User, catalog: dict[str, Any]) -> None:
    item = item_of(buyer, catalog["handbag"])
    addressee = UserFactory(email="friend@example.com")
    owner = signed_in(buyer)
    page = reverse("passports:item", args=[item.uid])
    owner.post(page, {"action": "transfer", "to_email": addressee.email})
    transfer = Transfer.objects.get()
    assert "Waiting for friend@example.com to accept" in owner.get(page).content.decode()

    cancelled = owner.post(page, {"action": "cancel"})

    assert cancelled.status_code == 302
    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.CANCELLED and transfer.decided_at is not None
    link = reverse("passports:transfer", args=[transfer.token])
    refused = signed_in(addressee).post(link, {"action": "accept"})
    assert refused.status_code == 400
    assert "This transfer is already cancelled." in refused.content.decode()
    item.refresh_from_db()
    assert item.owner == buyer and item.owner_number == 1
    # A new proposal may follow.
    renewed = owner.post(page, {"action": "transfer", "to_email": "other@example.com"})
    assert renewed.status_code == 302
    assert Transfer.objects.filter(state=Transfer.State.PROPOSED).count() == 1


def test_cancelling_with_nothing_open_changes_nothing(buyer: User, catalog: dict[str, Any]) -> None:
    item = item_of(buyer, catalog["handbag"])

    response = signed_in(buyer).post(
        reverse("passports:item", args=[item.uid]), {"action": "cancel"}
    )

    assert response.status_code == 302
    assert not Transfer.objects.exists() and not item.events.exists()
