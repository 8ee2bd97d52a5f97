"""Reports, verification, passports and disputes through the API, and the sandbox."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from api.tests.conftest import api_for
from api.tests.sandboxing import sandbox_report_issue
from appraisals.tests.reviewing import deliver_events
from disputes.services import dispute_open
from passports.models import Item

pytestmark = pytest.mark.django_db


def test_a_partner_reads_its_report_in_every_form(partner, report) -> None:  # noqa: ANN001
    api = api_for(partner)

    body = api.get(f"/api/v1/reports/{report.uid}/").json()
    document = api.get(f"/api/v1/reports/{report.uid}/document/")
    pdf = api.get(f"/api/v1/reports/{report.uid}/pdf/")
    bundle = api.get(f"/api/v1/reports/{report.uid}/bundle/")

    assert body["verdict"] == "authentic" and body["document"] == report.document
    assert body["sandbox"] is False and body["public_url"].endswith(f"/r/{report.public_token}/")
    assert hashlib.sha256(document.content).hexdigest() == report.sha256 == body["sha256"]
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert bundle.json()["format"] == "authplatform.proof-bundle/1"
    listed = api.get("/api/v1/reports/", verdict="authentic").json()["results"]
    assert [r["id"] for r in listed] == [str(report.uid)]
    case = api.get(f"/api/v1/submissions/{report.submission.uid}/").json()
    assert case["status"] == "completed" and case["report"]["id"] == str(report.uid)


def test_verify_by_id_and_by_bundle_and_a_tampered_bundle_fails(partner, rival, report) -> None:  # noqa: ANN001
    mine, stranger = api_for(partner), api_for(rival, "verify")
    bundle = mine.get(f"/api/v1/reports/{report.uid}/bundle/").json()

    by_id = stranger.get(f"/api/v1/verify/{report.uid}/").json()
    by_bundle = stranger.post("/api/v1/verify/", {"bundle": bundle}).json()
    bundle["fields"][0]["value"] = "forged"
    tampered = stranger.post("/api/v1/verify/", {"bundle": bundle}).json()
    junk = stranger.post("/api/v1/verify/", {"bundle": {"format": "nope"}}).json()

    # Anyone may verify a report; it is not anchored yet in this test (no anchoring writer).
    assert by_id["ok"] and by_id["status"] == "pending_anchor" and by_id["verdict"] == "authentic"
    assert {s["name"] for s in by_id["steps"]} >= {"signature", "fields", "anchor"}
    assert by_bundle["ok"] and by_bundle["report"] == str(report.uid)
    assert not tampered["ok"] and tampered["status"] == "invalid"
    assert (by_id["outcome"], by_bundle["outcome"], tampered["outcome"]) == (
        "pending", "pending", "invalid",
    )  # fmt: skip
    assert not junk["ok"] and junk["steps"][0]["name"] == "format"
    # Reading the report itself stays the owner's.
    assert stranger.get(f"/api/v1/reports/{report.uid}/").status_code == 403  # no scope
    assert api_for(rival).get(f"/api/v1/reports/{report.uid}/pdf/").status_code == 404


def test_passports_read_and_service_records_need_the_scope(partner, report) -> None:  # noqa: ANN001
    item = Item.objects.get()
    reader = api_for(partner, "reports:read")
    writer = api_for(partner, "passports:write", "reports:read")
    path = f"/api/v1/passports/{item.public_token}/"

    passport = reader.get(path).json()
    refused = reader.post(path + "events/", {"kind": "service", "summary": "Full service"})
    added = writer.post(path + "events/", {"kind": "service", "summary": "Movement serviced"})
    bad = writer.post(path + "events/", {"kind": "appraisal", "summary": "x"})

    assert [e["kind"] for e in passport["events"]] == ["appraisal"]
    assert "owner" not in passport and refused.status_code == 403
    assert added.status_code == 201
    assert [e["kind"] for e in added.json()["events"]] == ["appraisal", "service"]
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) == {"kind", "summary"}
    assert reader.get("/api/v1/passports/no-such-token/").status_code == 404


def test_dispute_status_of_own_reports_without_who_reviews(partner, rival, report) -> None:  # noqa: ANN001
    dispute = dispute_open(
        report=report,
        user=partner.account,
        reason="wrong_verdict",
        description="The seams differ from the reference bag.",
    )
    mine = api_for(partner).get("/api/v1/disputes/").json()["results"]
    one = api_for(partner).get(f"/api/v1/disputes/{dispute.uid}/").json()

    assert [d["id"] for d in mine] == [str(dispute.uid)] and one["state"] == "triage"
    assert not {"votes", "seats", "reviewers", "panel"} & set(one)
    assert api_for(rival).get(f"/api/v1/disputes/{dispute.uid}/").status_code == 404
    assert api_for(rival).get("/api/v1/disputes/").json()["results"] == []


def test_a_sandbox_case_is_signed_by_the_bot_and_never_anchored(  # noqa: ANN001
    partner, catalog, active_model, django_capture_on_commit_callbacks
) -> None:
    api = api_for(partner, sandbox=True)
    report = sandbox_report_issue(api, catalog, django_capture_on_commit_callbacks, "counterfeit")

    done = api.get(f"/api/v1/submissions/{report.submission.uid}/").json()
    assert done["status"] == "completed", done
    assert report.verdict == "counterfeit" and report.document["sandbox"] is True
    verified = api_for(partner, "verify").get(f"/api/v1/verify/{report.uid}/").json()
    assert verified["ok"] and verified["status"] == "sandbox" and not verified["anchored"]
    assert verified["outcome"] == "pending"  # never anchored: pending at best, never valid
    # Never anchored, so its bundle is the signed document, which verifies as sandbox.
    bundle = api.get(f"/api/v1/reports/{report.uid}/bundle/")
    assert bundle.status_code == 200
    assert bundle.json()["format"] == "authplatform.signed-document/1"
    assert not Item.objects.exists()  # no passport for a test item
    public = api.client.get(f"/r/{report.public_token}/").content.decode()
    assert "SANDBOX" in public


def test_idempotency_replays_the_first_response_and_refuses_another_body(  # noqa: ANN001
    partner, catalog
) -> None:
    api = api_for(partner)
    body = {"category": "handbag", "brand": "hermes"}

    first = api.post("/api/v1/submissions/", body, HTTP_IDEMPOTENCY_KEY="k-1")
    replay = api.post("/api/v1/submissions/", body, HTTP_IDEMPOTENCY_KEY="k-1")
    other = api.post(
        "/api/v1/submissions/", {**body, "tier": "express"}, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    fresh = api.post("/api/v1/submissions/", body, HTTP_IDEMPOTENCY_KEY="k-2")
    # Another caller's identical key is its own.
    theirs = api_for(partner).post("/api/v1/submissions/", body, HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json() and replay["Idempotent-Replayed"] == "true"
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert fresh.json()["id"] != first.json()["id"] != theirs.json()["id"]
    from appraisals.models import Submission

    assert Submission.objects.count() == 3


def test_throttling_answers_429_with_retry_after(partner, catalog) -> None:  # noqa: ANN001
    partner.requests_per_minute = 3
    partner.save()
    api = api_for(partner)

    codes = [api.get("/api/v1/catalog/categories/").status_code for _ in range(4)]
    limited = api.get("/api/v1/catalog/categories/")

    assert codes == [200, 200, 200, 429]
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["error"]["code"] == "throttled"
    # Another key of another partner is counted on its own.
    assert api_for(partner_other(partner)).get("/api/v1/catalog/categories/").status_code == 200


def partner_other(partner: Any) -> Any:
    from api.tests.conftest import partner_make

    return partner_make("Other Shop")


def test_a_cached_verification_never_hides_a_correction(partner, report) -> None:  # noqa: ANN001
    from appraisals.services.reports import report_correct

    api = api_for(partner, "verify")
    before = api.get(f"/api/v1/verify/{report.uid}/").json()
    assert before["status"] == "pending_anchor"
    assert api.get(f"/api/v1/verify/{report.uid}/").json() == before  # now from the cache

    corrected = report_correct(
        report=report,
        changes={"condition": {**report.document["condition"], "grade": "good"}},
        reason="The condition grade was mistyped.",
    )
    deliver_events()  # as the correction's commit does, in the process that made it

    after = api.get(f"/api/v1/verify/{report.uid}/").json()
    assert after["status"] == "superseded" and after["superseded_by"] == str(corrected.uid)
    assert after["outcome"] == "revoked"
    assert after["revocation"]["code"] == "superseded"
    assert after["revocation"]["superseded_by"] == str(corrected.uid)


def test_a_revoked_key_replays_nothing_and_a_secret_is_not_kept(partner, catalog) -> None:  # noqa: ANN001
    from api.models import ApiKey
    from api.services import api_key_revoke

    api = api_for(partner)
    hook = {"url": "http://127.0.0.1:9/hooks", "event_types": ["report.issued"]}
    created = api.post("/api/v1/webhooks/endpoints/", hook, HTTP_IDEMPOTENCY_KEY="h-1")
    replayed = api.post("/api/v1/webhooks/endpoints/", hook, HTTP_IDEMPOTENCY_KEY="h-1")
    case = api.post("/api/v1/submissions/", {"category": "handbag", "brand": "hermes"},
                    HTTP_IDEMPOTENCY_KEY="s-1")  # fmt: skip
    api_key_revoke(key=ApiKey.objects.get())
    after = api.post("/api/v1/submissions/", {"category": "handbag", "brand": "hermes"},
                     HTTP_IDEMPOTENCY_KEY="s-1")  # fmt: skip

    assert created.status_code == replayed.status_code == 201
    assert created.json()["secret"].startswith("whsec_") and replayed.json()["secret"] is None
    assert replayed.json()["id"] == created.json()["id"]
    assert case.status_code == 201 and after.status_code == 401


def test_a_sandbox_key_cannot_touch_live_passports(partner, report) -> None:  # noqa: ANN001
    item = Item.objects.get()
    sandbox = api_for(partner, sandbox=True)

    refused = sandbox.post(
        f"/api/v1/passports/{item.public_token}/events/",
        {"kind": "service", "summary": "Movement serviced"},
    )

    assert refused.status_code == 403 and item.events.count() == 1


def test_a_signed_report_bundle_verifies_like_its_id(partner, report) -> None:  # noqa: ANN001
    from provenance.signing import bundle_build_from_parts

    api = api_for(partner, "verify")
    signed = bundle_build_from_parts(
        document=report.document, signature=report.signature, signer=report.signer
    )

    by_bundle = api.post("/api/v1/verify/", {"bundle": signed}).json()
    by_id = api.get(f"/api/v1/verify/{report.uid}/").json()

    assert by_bundle == by_id and by_bundle["status"] == "pending_anchor"
