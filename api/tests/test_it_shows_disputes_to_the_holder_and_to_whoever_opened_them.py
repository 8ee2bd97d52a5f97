"""``GET /api/v1/disputes/`` by the chain of custody, not by who submitted the case: the
report's holder sees every dispute of it, whoever opened it; an earlier holder keeps the
disputes they opened and never sees the next holder's, in the list, by id, or on the case's
timeline; anyone else sees none."""

from __future__ import annotations

from typing import Any

import pytest

from api.models import Partner
from api.tests.conftest import api_for, partner_make
from disputes.tests.disputing import dispute_open_through_page, dispute_reject
from passports.tests.transfers import item_transfer_through_pages

pytestmark = pytest.mark.django_db


def _listed(partner: Partner, **params: str) -> list[str]:
    response = api_for(partner).get("/api/v1/disputes/", **params)
    assert response.status_code == 200, response.json()
    return [dispute["id"] for dispute in response.json()["results"]]


def _status(partner: Partner, dispute: Any) -> int:
    return api_for(partner).get(f"/api/v1/disputes/{dispute.uid}/").status_code


def test_disputes_follow_the_report_to_its_holder(
    partner: Partner, rival: Partner, report: Any
) -> None:
    outsider = partner_make("Outside Market")
    first = dispute_open_through_page(report, partner.account)
    assert _listed(partner) == [str(first.uid)] and _listed(rival) == []

    # The partner sells the bag to the rival's account; the open dispute goes on.
    item_transfer_through_pages(report, owner=partner.account, to=rival.account)
    dispute_reject(first)
    second = dispute_open_through_page(report, rival.account)

    assert _listed(rival) == [str(second.uid), str(first.uid)]
    assert _listed(rival, report=str(report.uid)) == [str(second.uid), str(first.uid)]
    assert _status(rival, first) == _status(rival, second) == 200
    assert api_for(rival).get(f"/api/v1/disputes/{first.uid}/").json()["outcome"] == "rejected"
    assert _listed(partner) == [str(first.uid)]
    assert (_status(partner, first), _status(partner, second)) == (200, 404)
    assert _listed(outsider) == []
    assert _status(outsider, first) == _status(outsider, second) == 404
    timeline = api_for(partner).get(f"/api/v1/submissions/{report.submission.uid}/timeline/")
    assert timeline.status_code == 200
    assert first.reference in timeline.content.decode()
    assert second.reference not in timeline.content.decode()
