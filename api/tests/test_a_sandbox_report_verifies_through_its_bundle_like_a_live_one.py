"""The documented path works in the sandbox as it does live: ``GET /reports/<id>/bundle/`` of a
sandbox report answers its signed document with its signature (never anchored, it has no
proof), and ``POST /verify/`` of that bundle answers ``sandbox``. ``POST /verify/`` also takes
the bare document that ``document/`` gives, sandbox or live: one of ours when its SHA-256 is
the report's."""

from __future__ import annotations

import pytest

from api.tests.conftest import api_for
from api.tests.sandboxing import sandbox_report_issue

pytestmark = pytest.mark.django_db


def test_a_sandbox_reports_bundle_is_its_signed_document_and_verifies_as_sandbox(  # noqa: ANN001
    partner, catalog, active_model, django_capture_on_commit_callbacks
) -> None:
    api = api_for(partner, sandbox=True)
    report = sandbox_report_issue(api, catalog, django_capture_on_commit_callbacks, "counterfeit")
    path = f"/api/v1/reports/{report.uid}/"

    bundle = api.get(f"{path}bundle/")
    document = api.get(f"{path}document/").json()
    by_bundle = api.post("/api/v1/verify/", {"bundle": bundle.json()}).json()
    by_document = api.post("/api/v1/verify/", {"bundle": document}).json()
    by_id = api.get(f"/api/v1/verify/{report.uid}/").json()
    forged = api.post("/api/v1/verify/", {"bundle": {**document, "verdict": "authentic"}}).json()

    assert bundle.status_code == 200
    assert bundle["Content-Disposition"].endswith(f'"{report.reference}.signed.json"')
    # Signed and never anchored: its bytes never change.
    assert bundle["Cache-Control"] == "private, max-age=31536000, immutable"
    signed = bundle.json()
    assert signed["format"] == "authplatform.signed-document/1"
    assert signed["document"] == document and signed["document"]["sandbox"] is True
    assert signed["sha256"] == report.sha256 and signed["signature"] == report.signature
    assert by_bundle == by_document == by_id
    assert by_bundle["ok"] and by_bundle["sandbox"] is True and by_bundle["anchored"] is False
    assert (by_bundle["status"], by_bundle["outcome"]) == ("sandbox", "pending")
    assert by_bundle["report"] == str(report.uid) and by_bundle["verdict"] == "counterfeit"
    assert not forged["ok"] and forged["status"] == "invalid" and forged["sandbox"] is True
    assert forged["steps"][0]["name"] == "document"
    # A live key sees no sandbox report.
    assert api_for(partner).get(f"{path}bundle/").status_code == 404


def test_a_live_reports_bare_document_verifies_like_its_id(partner, report) -> None:  # noqa: ANN001
    api = api_for(partner)
    document = api.get(f"/api/v1/reports/{report.uid}/document/").json()

    by_document = api.post("/api/v1/verify/", {"bundle": document}).json()
    by_id = api.get(f"/api/v1/verify/{report.uid}/").json()
    altered = api.post(
        "/api/v1/verify/", {"bundle": {**document, "verdict": {"result": "counterfeit"}}}
    ).json()
    unknown = api.post(
        "/api/v1/verify/", {"bundle": {**document, "id": "00000000-0000-4000-8000-000000000000"}}
    ).json()
    not_an_id = api.post("/api/v1/verify/", {"bundle": {**document, "id": "R-1"}}).json()

    assert by_document == by_id and by_document["status"] == "pending_anchor"
    assert not altered["ok"] and altered["outcome"] == "invalid"
    assert altered["report"] == str(report.uid)
    assert [step["name"] for step in altered["steps"]] == ["document"]
    assert report.sha256 in altered["steps"][0]["detail"]
    for answer in (unknown, not_an_id):
        assert not answer["ok"] and answer["report"] is None and answer["status"] == "invalid"
        assert answer["steps"][0]["detail"] == "The document names no report of ours."
