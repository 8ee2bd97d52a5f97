"""Seed a partner's data for a test against a live server; run as ``python -m api.tests.live``.

It runs as a process of its own with the server's environment, so the Celery tasks the
services enqueue go where the server's go (an in-memory broker that nothing reads) instead of
running inline as they do in the test process, where the pre-screen would need a classifier.
It prints, as JSON, the partner's API key; for each path template, path parameters that name
a seeded row; and for some operations, valid request bodies.
"""

from __future__ import annotations

import json
from typing import Any


def seed() -> dict[str, Any]:
    """The catalog; a partner with an all-scopes key and no rate limit; drafts with every
    photo; a signed report with its passport and a dispute; a webhook endpoint."""
    from api.models import ApiKey
    from api.tests.conftest import ALL_SCOPES, partner_make, report_signed
    from appraisals.models import Category
    from appraisals.selectors.reports import report_provenance_document
    from appraisals.services.catalog import catalog_load
    from appraisals.services.submissions import submission_details_update
    from appraisals.tests.factories import draft_for
    from disputes.services import dispute_open
    from passports.models import Item
    from provenance.selectors import bundle_for
    from webhooks.services import endpoint_create

    catalog_load()
    partner = partner_make("Schema Market")
    partner.requests_per_minute = 0  # unlimited: a test may send hundreds a minute
    partner.save(update_fields=["requests_per_minute"])
    key = ApiKey.issue(partner=partner, label="live", scopes=ALL_SCOPES)[1]
    handbag = Category.objects.get(slug="handbag")

    # Two drafts, as the API leaves them (a website draft has no tier until its details
    # step): one takes generated photos, the other stays ready to submit.
    draft, ready = (draft_for(partner.account, handbag, with_photos=True) for _ in range(2))
    for submission in (draft, ready):
        submission_details_update(submission=submission, serial_code="", tier="standard")
    report = report_signed(partner.account, handbag)
    case = report.submission
    dispute = dispute_open(
        report=report,
        user=partner.account,
        reason="wrong_verdict",
        description="The stitching differs from the reference bag.",
    )
    passport = Item.objects.get(events__report=report)
    # Nothing listens there, and nothing delivers: no worker reads the broker.
    endpoint = endpoint_create(
        partner=partner,
        url="http://127.0.0.1:9/hooks",
        event_types=["report.issued"],
        sandbox=False,
    )

    submissions = [{"uid": str(draft.uid)}, {"uid": str(ready.uid)}, {"uid": str(case.uid)}]
    photos = [
        {"uid": str(draft.uid), "slot": code}
        for code in handbag.slots.order_by("position").values_list("code", flat=True)
    ]
    reports = [{"uid": str(report.uid)}]
    passports = [{"token": passport.public_token}]
    endpoints = [{"uid": str(endpoint.uid)}]
    bundle = bundle_for(report_provenance_document(report))
    new_case = {"category": "handbag", "brand": "hermes", "external_reference": "order-1"}
    return {
        "key": key,
        "path_parameters": {
            "/api/v1/submissions/{uid}/": submissions,
            "/api/v1/submissions/{uid}/submit/": submissions[1:],
            "/api/v1/submissions/{uid}/timeline/": submissions,
            "/api/v1/submissions/{uid}/photos/{slot}/": photos,
            "/api/v1/reports/{uid}/": reports,
            "/api/v1/reports/{uid}/document/": reports,
            "/api/v1/reports/{uid}/pdf/": reports,
            "/api/v1/reports/{uid}/bundle/": reports,
            "/api/v1/verify/{uid}/": reports,
            "/api/v1/disputes/{uid}/": [{"uid": str(dispute.uid)}],
            "/api/v1/passports/{token}/": passports,
            "/api/v1/passports/{token}/events/": passports,
            "/api/v1/webhooks/endpoints/{uid}/": endpoints,
            "/api/v1/webhooks/endpoints/{uid}/test/": endpoints,
            "/api/v1/webhooks/endpoints/{uid}/rotate-secret/": endpoints,
            "/api/v1/webhooks/endpoints/{uid}/deliveries/": endpoints,
        },
        # Valid bodies, which random ones almost never are (a real slug, a real bundle).
        "bodies": {
            "POST /api/v1/submissions/": [new_case],
            "POST /api/v1/submissions/bulk/": [{"items": [new_case, {"category": "nothing"}]}],
            "POST /api/v1/verify/": [{"bundle": bundle}, {"bundle": report.document}],
            "POST /api/v1/webhooks/endpoints/": [
                {"url": "http://127.0.0.1:9/other", "event_types": ["report.revoked"]}
            ],
        },
    }


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(seed()))
