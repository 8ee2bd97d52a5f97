"""The person a transfer is addressed to may decline it from the link they were sent: the item
stays its owner's, and the link is spent."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from members.models import User
from members.tests.factories import UserFactory
from passports.models import Transfer
from passports.services import transfer_propose
from passports.tests.items import item_of
from passports.tests.transfers import signed_in

pytestmark = pytest.mark.django_db


def test_the_addressee_declines(buyer: User, catalog: dict[str, Any]) -> None:
    item = item_of(buyer, catalog["handbag"])
    addressee = UserFactory(email="friend@example.com")
    transfer = transfer_propose(item=item, owner=buyer, to_email="Friend@Example.com")
    client = signed_in(addressee)
    link = reverse("passports:transfer", args=[transfer.token])

    declined = client.post(link, {"action": "decline"})

    assert declined.status_code == 302 and declined["Location"] == reverse("passports:mine")
    transfer.refresh_from_db()
    item.refresh_from_db()
    assert transfer.state == Transfer.State.DECLINED and transfer.to_user is None
    assert item.owner == buyer and not item.events.exists()
    # The page still opens for both parties and says what became of it.
    for party in (buyer, addressee):
        assert 'id="transfer-state">Declined<' in signed_in(party).get(link).content.decode()
    again = client.post(link, {"action": "accept"})
    assert again.status_code == 400 and "already declined" in again.content.decode()


def test_the_owner_cannot_decline_on_the_addressees_behalf(
    buyer: User, catalog: dict[str, Any]
) -> None:
    item = item_of(buyer, catalog["handbag"])
    transfer = transfer_propose(item=item, owner=buyer, to_email="friend@example.com")

    response = signed_in(buyer).post(
        reverse("passports:transfer", args=[transfer.token]), {"action": "decline"}
    )

    assert response.status_code == 400
    assert "addressed to another account" in response.content.decode()
    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.PROPOSED
