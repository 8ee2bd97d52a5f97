"""``dispute.updated`` goes where the API shows the dispute (appraisals/selectors/custody.py):
to who opened it and to the report's holder now, not to the partner that submitted the case
once the report has passed on with its item."""

from __future__ import annotations

from typing import Any

import pytest

from api.models import Partner
from api.tests.conftest import report_signed
from disputes.tests.disputing import dispute_open_through_page, dispute_reject
from passports.tests.transfers import item_transfer_through_pages
from webhooks.models import EventType, WebhookEvent
from webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db


def _listen(partner: Partner) -> None:
    endpoint_create(
        partner=partner,
        url="http://127.0.0.1:9/hooks",
        event_types=[EventType.DISPUTE_UPDATED],
        sandbox=False,
    )


def _heard(partner: Partner) -> list[tuple[str, str]]:
    events = WebhookEvent.objects.filter(partner=partner, event_type=EventType.DISPUTE_UPDATED)
    return [(e.data["dispute"]["id"], e.data["dispute"]["state"]) for e in events.order_by("id")]


def test_each_update_reaches_the_opener_and_the_holder(
    partner: Partner, rival: Partner, catalog: dict[str, Any]
) -> None:
    _listen(partner)
    _listen(rival)
    report = report_signed(partner.account, catalog["handbag"])
    first = dispute_open_through_page(report, partner.account)

    item_transfer_through_pages(report, owner=partner.account, to=rival.account)
    dispute_reject(first)  # the opener and the new holder both follow it
    second = dispute_open_through_page(report, rival.account)
    dispute_reject(second)

    assert _heard(partner) == [(str(first.uid), "triage"), (str(first.uid), "resolved")]
    assert _heard(rival) == [
        (str(first.uid), "resolved"),
        (str(second.uid), "triage"),
        (str(second.uid), "resolved"),
    ]
