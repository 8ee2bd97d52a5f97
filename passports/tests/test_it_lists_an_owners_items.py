""" "My items" lists the passports a person owns: not other people's, not an item an expert
linked into another passport (that passport stands for it), stolen ones marked; in a fixed
number of queries however many there are."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import User
from passports.models import Item
from passports.tests.items import item_of
from passports.tests.transfers import signed_in

pytestmark = pytest.mark.django_db

MINE = reverse("passports:mine")


def test_the_list_shows_ones_own_current_passports(
    buyer: User, stranger: User, catalog: dict[str, Any]
) -> None:
    bag, watch = item_of(buyer, catalog["handbag"]), item_of(buyer, catalog["watch"])
    linked = item_of(buyer, catalog["handbag"])
    Item.objects.filter(pk=linked.pk).update(merged_into=bag)
    Item.objects.filter(pk=watch.pk).update(stolen_since=timezone.now())
    theirs = item_of(stranger, catalog["handbag"])

    page = signed_in(buyer).get(MINE).content.decode()

    assert str(bag.uid) in page and str(watch.uid) in page
    assert str(linked.uid) not in page and str(theirs.uid) not in page
    assert page.count("Reported stolen") == 1


def test_an_empty_list_says_when_a_passport_comes(buyer: User) -> None:
    page = signed_in(buyer).get(MINE).content.decode()

    assert "An item gets its passport when its first report is issued." in page


def test_it_asks_a_visitor_to_sign_in(db: None) -> None:
    response = signed_in(None).get(MINE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("members:login"))


def test_the_list_costs_the_same_queries_for_one_item_or_many(
    buyer: User, catalog: dict[str, Any]
) -> None:
    client = signed_in(buyer)
    item_of(buyer, catalog["handbag"])
    client.get(MINE)  # the session and the catalog's first reads are warm now
    with CaptureQueriesContext(connection) as one:
        client.get(MINE)
    for _ in range(4):
        item_of(buyer, catalog["watch"])

    with CaptureQueriesContext(connection) as five:
        page = client.get(MINE)

    listed = page.content.decode()
    assert all(str(item.uid) in listed for item in buyer.items.all())
    assert len(five) == len(one)
