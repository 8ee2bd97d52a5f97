"""A transfer's page and actions are for its two parties, the owner who proposed it and the
person it is addressed to; anyone else gets 404, and no passport page shows an email."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from appraisals.models import Brand
from members.models import User
from members.roles import Role
from members.tests.factories import UserFactory
from passports.models import Item, Transfer
from passports.services import transfer_accept, transfer_propose

pytestmark = pytest.mark.django_db

ADDRESSEE = "new.owner@example.com"


@pytest.fixture
def item(buyer: User, catalog: dict[str, Any]) -> Item:
    category = catalog["handbag"]
    brand = Brand.objects.filter(categories=category).order_by("name").first()
    return Item.objects.create(category=category, brand=brand, serial="28451234", owner=buyer)


@pytest.fixture
def addressee(db: None) -> User:
    # Typed differently from the proposal: the address, not its spelling, makes the party.
    return UserFactory(email="New.Owner@Example.com")


@pytest.fixture
def transfer(item: Item, buyer: User) -> Transfer:
    return transfer_propose(item=item, owner=buyer, to_email=ADDRESSEE)


def _as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _url(transfer: Transfer) -> str:
    return reverse("passports:transfer", args=[transfer.token])


def test_both_parties_see_the_transfer_page(buyer, addressee, transfer) -> None:  # noqa: ANN001
    for party in (buyer, addressee):
        page = _as(party).get(_url(transfer))
        assert page.status_code == 200
    assert 'value="accept"' in _as(addressee).get(_url(transfer)).content.decode()
    assert 'value="accept"' not in _as(buyer).get(_url(transfer)).content.decode()


def test_it_shows_a_transfer_only_to_its_two_parties(stranger, transfer) -> None:  # noqa: ANN001
    client = _as(stranger)
    for response in (
        client.get(_url(transfer)),
        client.post(_url(transfer), {"action": "accept"}),
        client.post(_url(transfer), {"action": "decline"}),
    ):
        assert response.status_code == 404
        assert ADDRESSEE not in response.content.decode().lower()
    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.PROPOSED
    signed_out = Client().get(_url(transfer))
    assert signed_out.status_code == 302 and ADDRESSEE not in signed_out.content.decode().lower()


def test_a_decided_transfer_stays_private_to_its_parties(
    buyer,
    addressee,
    stranger,
    transfer,  # noqa: ANN001
) -> None:
    transfer_accept(token=transfer.token, user=addressee)

    assert _as(stranger).get(_url(transfer)).status_code == 404
    for party in (buyer, addressee):
        page = _as(party).get(_url(transfer))
        assert page.status_code == 200 and "Accepted" in page.content.decode()


def test_the_owners_page_with_the_open_transfer_is_the_owners_only(
    buyer,
    addressee,
    stranger,
    item,
    transfer,  # noqa: ANN001
) -> None:
    url = reverse("passports:item", args=[item.uid])
    assert ADDRESSEE in _as(buyer).get(url).content.decode()
    for other in (stranger, addressee):
        assert _as(other).get(url).status_code == 404
        assert _as(other).post(url, {"action": "cancel"}).status_code == 404
    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.PROPOSED


def test_no_other_passport_page_shows_an_email(
    buyer,
    addressee,
    stranger,
    item,
    transfer,  # noqa: ANN001
) -> None:
    staff = UserFactory(email="ops@example.com", roles=[Role.STAFF])
    reviewer = UserFactory(email="reviewer@example.com", roles=[Role.EXPERT])
    serial_less = Item.objects.create(category=item.category, brand=item.brand, owner=buyer)
    pages = [
        (None, reverse("passports:public", args=[item.public_token])),
        (stranger, reverse("passports:public", args=[item.public_token])),
        (stranger, reverse("passports:mine")),
        (addressee, reverse("passports:mine")),
        (staff, reverse("passports:service", args=[item.public_token])),
        (reviewer, reverse("passports:link", args=[serial_less.public_token])),
    ]
    for viewer, url in pages:
        page = _as(viewer).get(url)
        assert page.status_code == 200, url
        body = page.content.decode().lower()
        assert ADDRESSEE not in body and buyer.email not in body, url
