"""A partial proof, private fields such as the serial included, is the report holder's to
build: the submitter's until the item changes hands, then the new owner's, never the earlier
one's nor a stranger's. The new holder finds the form on the report's page, linked from their
item's page; the earlier holder's case page no longer offers it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from appraisals.models import Report
from appraisals.tests.reviewing import report_signed_with_serial
from members.models import User
from members.tests.factories import UserFactory
from passports.tests.transfers import item_transfer_through_pages, signed_in
from provenance.bundles import bundle_check

pytestmark = pytest.mark.django_db
TYPED = "QX7K-5853-3620"
FIELDS = ["item.serial", "verdict.result"]


def _proof(user: User | None, report: Report) -> Any:
    url = reverse("public:report-proof", args=[report.public_token])
    return signed_in(user).get(url, {"field": FIELDS})


def _proves_the_serial(response: Any, report: Report) -> bool:
    assert response.status_code == 200, response.content.decode()
    checked = bundle_check(json.loads(response.content), trusted_signers=[report.signer])
    assert checked.ok, checked.steps
    return checked.document["item"] == {"serial": TYPED}


def test_the_new_holder_proves_the_serial_and_the_earlier_one_no_longer_can(
    buyer: User, stranger: User, catalog: dict[str, Any]
) -> None:
    report = report_signed_with_serial(buyer, catalog["handbag"], serial=TYPED)
    newcomer = UserFactory(email="second.owner@example.com")
    case_url = reverse("appraisals:submission-detail", args=[report.submission.uid])
    report_url = reverse("public:report", args=[report.public_token])
    assert _proves_the_serial(_proof(buyer, report), report)
    assert 'id="partial-proof"' in signed_in(buyer).get(case_url).content.decode()
    assert _proof(newcomer, report).status_code == _proof(stranger, report).status_code == 404

    item_transfer_through_pages(report, owner=buyer, to=newcomer)

    assert _proves_the_serial(_proof(newcomer, report), report)
    assert _proof(buyer, report).status_code == _proof(stranger, report).status_code == 404
    assert _proof(None, report).status_code == 302  # to sign in
    # The new holder: from their item's page to the report's, where the form is.
    item = report.passport_events.get().item
    owner_page = signed_in(newcomer).get(reverse("passports:item", args=[item.uid]))
    assert report_url in owner_page.content.decode()
    page = signed_in(newcomer).get(report_url).content.decode()
    assert 'id="holder-actions"' in page and 'id="partial-proof"' in page
    assert 'value="item.serial"' in page
    assert reverse("disputes:new", args=[report.public_token]) in page
    # The earlier holder keeps their case page, without the form or the dispute link.
    case = signed_in(buyer).get(case_url).content.decode()
    assert 'id="partial-proof"' not in case and 'id="passed-on"' in case
    assert reverse("disputes:new", args=[report.public_token]) not in case
    for other in (buyer, stranger, None):
        assert 'id="holder-actions"' not in signed_in(other).get(report_url).content.decode()
