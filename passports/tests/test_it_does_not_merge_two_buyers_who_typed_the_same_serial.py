"""Two buyers who typed the same serial by accident (a common code, a typo) keep two items,
two passports and their own dispute rights; an expert who compares the photos can reject the
proposed link for good."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from appraisals.selectors.custody import report_holder
from appraisals.tests.reviewing import expert, report_signed_with_serial
from members.tests.factories import UserFactory
from passports.models import Item, ItemLinkProposal
from passports.services import item_link_confirm, item_link_reject

pytestmark = pytest.mark.django_db


def test_two_buyers_with_one_serial_keep_two_passports(catalog: dict[str, Any]) -> None:
    first_buyer = UserFactory(email="first.buyer@example.com")
    second_buyer = UserFactory(email="second.buyer@example.com")
    first = report_signed_with_serial(first_buyer, catalog["watch"], serial="A1B2C3D4")
    second = report_signed_with_serial(second_buyer, catalog["watch"], serial="a1b2 c3d4")

    first_item, second_item = Item.objects.order_by("id")
    assert (first_item.owner, second_item.owner) == (first_buyer, second_buyer)
    assert [e.report for e in first_item.events.all()] == [first]
    assert [e.report for e in second_item.events.all()] == [second]
    assert (report_holder(first), report_holder(second)) == (first_buyer, second_buyer)
    pairs = ((first_buyer, first, second, first_item), (second_buyer, second, first, second_item))
    for buyer, own, other, own_item in pairs:
        client = Client()
        client.force_login(buyer)
        dispute = "disputes:new"
        assert client.get(reverse(dispute, args=[own.public_token])).status_code == 200
        assert client.get(reverse(dispute, args=[other.public_token])).status_code == 404
        listed = client.get(reverse("passports:mine")).content.decode()
        assert str(own_item.uid) in listed
        other_item = other.passport_events.get().item
        assert str(other_item.uid) not in listed

    proposal = ItemLinkProposal.objects.get()
    assert proposal.owners_differ and proposal.state == ItemLinkProposal.State.PROPOSED
    reviewer = expert(email="reviewer@example.com")
    with pytest.raises(ValidationError):
        item_link_reject(proposal=proposal, expert=reviewer, note="")

    item_link_reject(proposal=proposal, expert=reviewer, note="Different dial and case back.")

    proposal.refresh_from_db()
    assert proposal.state == ItemLinkProposal.State.REJECTED and proposal.decided_by == reviewer
    with pytest.raises(ValidationError):
        item_link_confirm(proposal=proposal, expert=reviewer)
    assert not Item.objects.exclude(merged_into=None).exists()
