"""A report issued before serials became private holds the full serial in its signed
document. Through the API too, that document goes to the report's holder only: the partner
that submitted the case reads it until the item changes hands, then its download is refused
(403) and the report's JSON carries ``document: null``, cached or not."""

from __future__ import annotations

from typing import Any

import pytest

from api.models import Partner
from api.tests.conftest import api_for, report_signed
from appraisals.models import Report
from appraisals.tests.reviewing import reports_signed_as_before_private_serials
from members.models import User
from passports.tests.transfers import item_transfer_through_pages

pytestmark = pytest.mark.django_db
TYPED = "QX7K-5853-3620"


@pytest.fixture
def older_report(
    partner: Partner, catalog: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> Report:
    """The partner's report, signed as reports were before serials became private."""
    reports_signed_as_before_private_serials(monkeypatch, serial=TYPED)
    return report_signed(partner.account, catalog["handbag"])


def test_the_signed_document_leaves_the_partner_with_the_report(
    partner: Partner, older_report: Report, buyer: User
) -> None:
    api = api_for(partner)
    path = f"/api/v1/reports/{older_report.uid}/"
    assert TYPED in api.get(f"{path}document/").content.decode()
    assert api.get(path).json()["document"] == older_report.document
    assert api.get("/api/v1/reports/").json()["results"][0]["document"] == older_report.document

    item_transfer_through_pages(older_report, owner=partner.account, to=buyer)

    refused = api.get(f"{path}document/")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    assert "current holder" in refused.json()["error"]["message"]
    body = api.get(path).json()
    assert body["document"] is None and body["sha256"] == older_report.sha256
    assert api.get("/api/v1/reports/").json()["results"][0]["document"] is None
    for answer in (refused, api.get(path), api.get("/api/v1/reports/")):
        assert TYPED not in answer.content.decode()
