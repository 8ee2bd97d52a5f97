"""The owner's page refuses a transfer to the owner's own address, and of an item an expert
linked into another passport (that passport is the one to transfer)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from members.models import User
from passports.models import Item, Transfer
from passports.tests.items import item_of
from passports.tests.transfers import signed_in

pytestmark = pytest.mark.django_db


def _propose(owner: User, item: Item, to_email: str) -> str:
    response = signed_in(owner).post(
        reverse("passports:item", args=[item.uid]), {"action": "transfer", "to_email": to_email}
    )
    assert response.status_code == 400
    assert not Transfer.objects.exists()
    return response.content.decode()


def test_not_to_the_owners_own_address(buyer: User, catalog: dict[str, Any]) -> None:
    item = item_of(buyer, catalog["handbag"])

    assert "That is your own address." in _propose(buyer, item, buyer.email.upper())


def test_not_an_item_linked_into_another_passport(buyer: User, catalog: dict[str, Any]) -> None:
    passport, item = item_of(buyer, catalog["handbag"]), item_of(buyer, catalog["handbag"])
    Item.objects.filter(pk=item.pk).update(merged_into=passport)

    assert "linked to another passport; transfer that one" in _propose(
        buyer, item, "friend@example.com"
    )


def test_not_to_an_address_that_is_not_one(buyer: User, catalog: dict[str, Any]) -> None:
    item = item_of(buyer, catalog["handbag"])

    assert "Enter a valid email address." in _propose(buyer, item, "not an address")
