"""A revoked report is public news: every partner with a live endpoint subscribed to
``report.revoked`` hears of it, with only what the revocation feed shows; the partner whose
report it is keeps its own, richer event; a partner not subscribed hears nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from api.models import Partner
from api.tests.conftest import partner_make
from appraisals.services.reports import report_correct
from appraisals.tests.reviewing import deliver_events, report_signed_with_serial
from webhooks.models import EventType, WebhookDelivery, WebhookEvent
from webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db
REVOKED = EventType.REPORT_REVOKED


def _listen(partner: Partner, event_types: list[str], *, sandbox: bool = False) -> None:
    endpoint_create(
        partner=partner, url="http://127.0.0.1:9/hooks", event_types=event_types, sandbox=sandbox
    )


def test_it_tells_every_partner_following_revocations(
    partner: Partner, rival: Partner, catalog: dict[str, Any]
) -> None:
    bystander = partner_make("Quiet Pawnshop")
    _listen(partner, list(EventType.values))
    _listen(rival, [REVOKED])
    _listen(rival, [REVOKED], sandbox=True)  # sandbox endpoints hear of sandbox cases only
    _listen(bystander, [EventType.REPORT_ISSUED])
    report = report_signed_with_serial(partner.account, catalog["handbag"], serial="SN-31337")

    corrected = report_correct(
        report=report,
        changes={"condition": {**report.document["condition"], "grade": "good"}},
        reason="The grade was mistyped.",
    )
    deliver_events()

    own = WebhookEvent.objects.get(partner=partner, event_type=REVOKED)
    assert own.data["submission"]["reference"] == report.submission.reference
    assert own.data["reason"] == "The grade was mistyped."
    assert own.data["reason_code"] == "superseded"
    assert own.data["superseded_by"]["id"] == str(corrected.uid)

    public = WebhookEvent.objects.get(partner=rival, event_type=REVOKED)
    assert not public.sandbox
    assert public.data["report"]["id"] == str(report.uid)
    assert public.data["superseded_by"]["id"] == str(corrected.uid)
    assert public.data["reason_code"] == "superseded"
    assert public.data["revocation"]["successor"]["id"] == str(corrected.uid)
    assert public.data["report"]["verify_url"].endswith("/")
    text = json.dumps(public.data)
    for private in (
        "submission",
        report.submission.reference,
        "31337",
        "mistyped",
        report.public_token,
        corrected.public_token,
        partner.account.email,
        "external_reference",
    ):
        assert private not in text, private
    # One delivery, to the rival's live endpoint.
    assert WebhookDelivery.objects.filter(event=public).count() == 1
    assert not WebhookEvent.objects.filter(partner=bystander, event_type=REVOKED).exists()
    assert WebhookEvent.objects.filter(event_type=REVOKED).count() == 2
