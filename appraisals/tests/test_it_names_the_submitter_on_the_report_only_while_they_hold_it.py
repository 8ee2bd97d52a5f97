"""A submitter may show their name on the report's page; once the report has passed to the
item's new owner, naming the earlier one as its owner would be untrue: the page names nobody,
and the earlier owner's case page no longer offers the choice."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from appraisals.tests.reviewing import report_signed_with_serial
from members.models import User
from members.tests.factories import UserFactory
from passports.tests.transfers import item_transfer_through_pages, signed_in

pytestmark = pytest.mark.django_db


def test_the_page_stops_naming_the_submitter_once_the_report_passes_on(
    buyer: User, catalog: dict[str, Any]
) -> None:
    buyer.full_name = "Ada Lovelace"
    buyer.save(update_fields=["full_name"])
    report = report_signed_with_serial(buyer, catalog["handbag"], serial="28533620")
    newcomer = UserFactory(email="second.owner@example.com")
    page_url = reverse("public:report", args=[report.public_token])
    case_url = reverse("appraisals:submission-detail", args=[report.submission.uid])
    name_url = reverse("public:report-owner-name", args=[report.public_token])
    assert signed_in(buyer).post(name_url, {"show": "1"}).status_code == 302
    assert "Ada Lovelace" in signed_in(None).get(page_url).content.decode()

    item_transfer_through_pages(report, owner=buyer, to=newcomer)

    assert "Ada Lovelace" not in signed_in(None).get(page_url).content.decode()
    assert name_url not in signed_in(buyer).get(case_url).content.decode()
    assert signed_in(newcomer).post(name_url, {"show": "1"}).status_code == 404
