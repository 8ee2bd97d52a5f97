"""Disputes across a transfer, on the web pages: a dispute stays with who opened it (its page
shows their complaint and evidence), the new holder is told why they can't open a second one
while it is open, then opens their own, which the earlier holder never sees, not even on
their case's timeline."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from appraisals.tests.reviewing import report_signed_with_serial
from disputes.tests.disputing import dispute_open_through_page, dispute_reject
from members.models import Notification, User
from members.tests.factories import UserFactory
from passports.tests.transfers import item_transfer_through_pages, signed_in

pytestmark = pytest.mark.django_db


def test_each_holder_follows_their_own_dispute(
    buyer: User, stranger: User, catalog: dict[str, Any]
) -> None:
    report = report_signed_with_serial(buyer, catalog["handbag"], serial="28533620")
    newcomer = UserFactory(email="second.owner@example.com")
    new_url = reverse("disputes:new", args=[report.public_token])
    case_url = reverse("appraisals:submission-detail", args=[report.submission.uid])
    report_url = reverse("public:report", args=[report.public_token])
    first = dispute_open_through_page(report, buyer)

    item_transfer_through_pages(report, owner=buyer, to=newcomer)

    # The earlier holder still follows the dispute they opened; nobody else may read it.
    first_url = reverse("disputes:detail", args=[first.uid])
    assert signed_in(buyer).get(first_url).status_code == 200
    assert first.reference in signed_in(buyer).get(case_url).content.decode()
    for other in (newcomer, stranger):
        assert signed_in(other).get(first_url).status_code == 404
    # The new holder may dispute, but the report takes one open dispute at a time.
    blocked = signed_in(newcomer).get(new_url)
    assert blocked.status_code == 200
    text = blocked.content.decode()
    assert first.reference in text and "opened before it came to you" in text
    assert 'id="dispute-form"' not in text
    assert signed_in(buyer).get(new_url).status_code == 404  # no longer the holder's
    dispute_reject(first)
    # Its outcome is the new holder's now: they are told, with the report's page, not the
    # dispute's (which stays with whoever opened it).
    told = Notification.objects.get(user=newcomer, body__contains="opened before this report")
    assert told.link == report_url and first.reference not in told.body
    assert Notification.objects.filter(user=buyer, link__contains=str(first.uid)).exists()

    second = dispute_open_through_page(report, newcomer)

    second_url = reverse("disputes:detail", args=[second.uid])
    assert signed_in(newcomer).get(second_url).status_code == 200
    assert second.reference in signed_in(newcomer).get(report_url).content.decode()
    assert signed_in(buyer).get(second_url).status_code == 404
    # Nor do its steps show on the earlier holder's case timeline; their own dispute's do.
    case = signed_in(buyer).get(case_url).content.decode()
    assert second.reference not in case and first.reference in case
    assert signed_in(newcomer).get(new_url)["Location"] == second_url
