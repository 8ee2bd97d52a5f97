"""An expert who recognises a serial-less item as another passport's item pastes that
passport's link on the item's page: the item's page leads there from then on, and the passport
gains an event naming the linked item's reports. Only experts may, and only for one owner's
items that are free to link."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisals.tests.reviewing import expert, report_signed_with_serial
from members.models import User
from members.roles import Role
from members.tests.factories import UserFactory
from passports.models import Item, PassportEvent
from passports.tests.items import item_of
from passports.tests.transfers import signed_in

pytestmark = pytest.mark.django_db


def _link_page(item: Item) -> str:
    return reverse("passports:link", args=[item.public_token])


def _public_url(item: Item) -> str:
    return reverse("passports:public", args=[item.public_token])


def test_an_expert_links_a_re_appraised_item_to_its_passport(
    buyer: User, catalog: dict[str, Any]
) -> None:
    first = report_signed_with_serial(buyer, catalog["handbag"], serial="")
    again = report_signed_with_serial(buyer, catalog["handbag"], serial="")
    passport, newer = first.passport_events.get().item, again.passport_events.get().item
    reviewer = signed_in(expert(email="reviewer@example.com"))
    # The button shows on a serial-less item's page, to an expert only.
    assert _link_page(newer) in reviewer.get(_public_url(newer)).content.decode()
    assert _link_page(newer) not in signed_in(buyer).get(_public_url(newer)).content.decode()
    assert reviewer.get(_link_page(newer)).status_code == 200

    # The expert pastes the passport's whole address, as copied from the browser.
    linked = reviewer.post(
        _link_page(newer), {"target": f"https://example.com{_public_url(passport)}"}
    )

    assert linked.status_code == 302 and linked["Location"] == _public_url(passport)
    newer.refresh_from_db()
    assert newer.merged_into == passport
    # The newer item's address leads to the passport, which now shows both appraisals.
    assert signed_in(None).get(_public_url(newer))["Location"] == _public_url(passport)
    page = signed_in(None).get(_public_url(passport)).content.decode()
    assert page.count('data-kind="appraisal"') == 3
    assert "An earlier appraisal of this item, linked by an expert" in page
    link_event = passport.events.order_by("id").last()
    assert link_event.document.body["reports"] == [str(again.uid)]
    assert link_event.document.body["linked_passport"] == str(newer.uid)
    # Its owner's list shows one item, the passport.
    assert [i.pk for i in buyer.items.filter(merged_into=None)] == [passport.pk]


@pytest.mark.parametrize("who", ["buyer", "stranger", "staff"])
def test_no_one_but_an_expert_may_link(
    who: str, buyer: User, stranger: User, catalog: dict[str, Any]
) -> None:
    people = {
        "buyer": buyer,
        "stranger": stranger,
        "staff": UserFactory(email="ops@example.com", roles=[Role.STAFF]),
    }
    source, target = item_of(buyer, catalog["handbag"]), item_of(buyer, catalog["handbag"])

    client = signed_in(people[who])

    assert client.get(_link_page(source)).status_code == 403
    assert client.post(_link_page(source), {"target": target.public_token}).status_code == 403
    source.refresh_from_db()
    assert source.merged_into is None


def _refusal(source: Item, target_token: str) -> str:
    response = signed_in(expert()).post(_link_page(source), {"target": target_token})
    assert response.status_code == 400
    source.refresh_from_db()
    assert source.merged_into is None
    return unescape(response.content.decode())


def test_it_refuses_an_unknown_passport(buyer: User, catalog: dict[str, Any]) -> None:
    source = item_of(buyer, catalog["handbag"])

    assert "No passport at that address." in _refusal(source, "no-such-token")


def test_it_refuses_another_owners_passport(
    buyer: User, stranger: User, catalog: dict[str, Any]
) -> None:
    source, target = item_of(buyer, catalog["handbag"]), item_of(stranger, catalog["handbag"])

    assert "different owners" in _refusal(source, target.public_token)
    assert not PassportEvent.objects.filter(item=target).exists()


def test_it_refuses_an_item_of_another_kind(buyer: User, catalog: dict[str, Any]) -> None:
    source, target = item_of(buyer, catalog["handbag"]), item_of(buyer, catalog["watch"])

    assert "differ in category or brand" in _refusal(source, target.public_token)


def test_it_refuses_an_item_with_a_serial(buyer: User, catalog: dict[str, Any]) -> None:
    source = item_of(buyer, catalog["handbag"], serial="28451234")
    target = item_of(buyer, catalog["handbag"])

    assert "through its link proposal" in _refusal(source, target.public_token)


def test_it_refuses_a_stolen_item(buyer: User, catalog: dict[str, Any]) -> None:
    source, target = item_of(buyer, catalog["handbag"]), item_of(buyer, catalog["handbag"])
    Item.objects.filter(pk=target.pk).update(stolen_since=timezone.now())

    assert "reported stolen can't be linked" in _refusal(source, target.public_token)


def test_it_refuses_the_item_itself_and_an_item_linked_already(
    buyer: User, catalog: dict[str, Any]
) -> None:
    source, target = item_of(buyer, catalog["handbag"]), item_of(buyer, catalog["handbag"])
    elsewhere = item_of(buyer, catalog["handbag"])
    Item.objects.filter(pk=target.pk).update(merged_into=elsewhere)

    assert "linked to itself" in _refusal(source, source.public_token)
    assert "already linked to another passport" in _refusal(source, target.public_token)
