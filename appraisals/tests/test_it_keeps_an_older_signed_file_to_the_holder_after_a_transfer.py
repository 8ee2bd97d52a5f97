"""A report issued before serials became private holds the full serial in its signed file,
so that file (canonical JSON, signed bundle) goes to the report's holder only: the submitter
until the item changes hands, then the new owner; never the earlier owner after that."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from appraisals.models import Report
from appraisals.tests.reviewing import (
    report_signed_with_serial,
    reports_signed_as_before_private_serials,
)
from members.models import User
from members.tests.factories import UserFactory
from passports.tests.transfers import item_transfer_through_pages, signed_in

pytestmark = pytest.mark.django_db
TYPED = "QX7K-5853-3620"
FILES = ("public:report-json", "public:report-bundle")


@pytest.fixture
def older_report(buyer: User, catalog: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Report:
    reports_signed_as_before_private_serials(monkeypatch, serial=TYPED)
    return report_signed_with_serial(buyer, catalog["handbag"], serial=TYPED)


def _downloads(user: User | None, report: Report) -> list[int]:
    client = signed_in(user)
    return [client.get(reverse(name, args=[report.public_token])).status_code for name in FILES]


def test_the_signed_file_follows_the_report_to_its_new_holder(
    older_report: Report, buyer: User, stranger: User
) -> None:
    newcomer = UserFactory(email="second.owner@example.com")
    page_url = reverse("public:report", args=[older_report.public_token])
    json_url = reverse("public:report-json", args=[older_report.public_token])
    assert _downloads(buyer, older_report) == [200, 200]
    assert _downloads(newcomer, older_report) == [403, 403]

    item_transfer_through_pages(older_report, owner=buyer, to=newcomer)

    assert _downloads(newcomer, older_report) == [200, 200]
    assert TYPED in signed_in(newcomer).get(json_url).content.decode()
    for other in (buyer, stranger, None):
        assert _downloads(other, older_report) == [403, 403]
    # The page offers the files to whoever may download them, and says why to the others.
    assert json_url in signed_in(newcomer).get(page_url).content.decode()
    earlier = signed_in(buyer).get(page_url).content.decode()
    assert json_url not in earlier and 'id="signed-file-private"' in earlier
