"""The whole partner flow over HTTP against a real gunicorn server, through the typed client,
with webhooks received by a real local HTTP server and their signatures checked.

Sandbox: catalog, webhook endpoint, create, a refused photo, uploads, submit; the server's
photo check, AI pre-screen and bot expert run (Celery eager in the server process), and the
report arrives by webhook. Live: the same partner's live key; an expert signs in this
process, the anchoring writer anchors on a ganache node, and ``anchor.confirmed`` arrives;
the report then verifies as valid by id and by its proof bundle.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from api.models import ApiKey, Partner
from api.tests.conftest import ALL_SCOPES, partner_make
from appraisals.models import Submission
from appraisals.services import reviews as review_services
from appraisals.tests.reviewing import expert, sign, to_expert_queue
from authplatform_client import ApiError, Client, signature_verify
from tests.browser import chain, server  # noqa: F401 (fixtures: ganache, gunicorn)
from tests.photos import blurry_jpeg, good_jpeg
from tests.servers import free_port, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Receiver:
    """A partner's webhook receiver: records every delivery, answers 204."""

    def __init__(self) -> None:
        self.deliveries: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.deliveries.append({"headers": dict(self.headers), "body": body})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def events(self, event_type: str) -> list[dict[str, Any]]:
        with self.lock:
            rows = list(self.deliveries)
        return [
            json.loads(d["body"])
            for d in rows
            if d["headers"].get("Authplatform-Event-Type") == event_type
        ]

    def wait_for(self, event_type: str, timeout: float = 60) -> dict[str, Any]:
        wait_for(lambda: self.events(event_type), timeout, f"a {event_type} webhook")
        return self.events(event_type)[-1]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()


def _key(partner: Partner, *, sandbox: bool) -> str:
    return ApiKey.issue(partner=partner, label="e2e", scopes=ALL_SCOPES, sandbox=sandbox)[1]


def _signed(receiver: Receiver, secret: str) -> None:
    """Every delivery so far carries a valid signature and an event id matching its body."""
    with receiver.lock:
        rows = list(receiver.deliveries)
    assert rows
    for row in rows:
        headers = row["headers"]
        assert signature_verify(
            secret=secret, header=headers["Authplatform-Signature"], body=row["body"]
        ), headers
        assert json.loads(row["body"])["id"] == headers["Authplatform-Event-Id"]
    forged = rows[0]["body"].replace(b'"data"', b'"data" ', 1)
    assert not signature_verify(
        secret=secret, header=rows[0]["headers"]["Authplatform-Signature"], body=forged
    )


def test_a_partner_goes_from_catalog_to_a_verified_report(server, receiver, chain) -> None:  # noqa: ANN001, F811
    partner = partner_make("E2E Market")
    sandbox = Client(server, api_key=_key(partner, sandbox=True))
    every_type = [
        "submission.status_changed", "photo.rejected", "report.issued", "report.revoked",
        "anchor.confirmed", "dispute.updated",
    ]  # fmt: skip

    # The capture screen comes from the catalog.
    handbag = next(c for c in sandbox.categories() if c.slug == "handbag")
    assert handbag.slots and all(s.instruction for s in handbag.slots)
    endpoint = sandbox.webhook_endpoint_create(url=receiver.url, event_types=every_type)
    assert endpoint.secret and endpoint.secret.startswith("whsec_")

    case = sandbox.submission_create(
        category="handbag", brand="hermes", sandbox_outcome="authentic", external_reference="o-1"
    )
    first = handbag.slots[0].code
    refused = sandbox.photo_upload(case.id, first, blurry_jpeg())
    assert not refused.accepted and refused.issues[0].hint
    rejected = receiver.wait_for("photo.rejected")["data"]
    assert rejected["slot"] == first and rejected["issues"][0]["code"] == "blurry"
    with pytest.raises(ApiError) as blocked:
        sandbox.submission_submit(case.id)
    assert blocked.value.status == 400
    for index, slot in enumerate(handbag.slots):
        assert sandbox.photo_upload(case.id, slot.code, good_jpeg(index)).accepted

    sandbox.submission_submit(case.id)
    issued = receiver.wait_for("report.issued", timeout=90)["data"]
    done = sandbox.submission_get(case.id)
    assert done.status == "completed" and done.report is not None
    assert issued["report"]["id"] == done.report.id and done.report.verdict == "authentic"

    def statuses() -> list[str]:
        return [e["data"]["status"] for e in receiver.events("submission.status_changed")]

    wait_for(lambda: "completed" in statuses(), 30, "the completed status webhook")
    assert statuses()[0] == "submitted" and "awaiting_expert" in statuses()
    document = sandbox.report_document(done.report.id)
    assert hashlib.sha256(document).hexdigest() == sandbox.report_get(done.report.id)["sha256"]
    assert json.loads(document)["sandbox"] is True
    assert sandbox.report_pdf(done.report.id).startswith(b"%PDF")
    checked = sandbox.verify_report(done.report.id)
    assert checked.ok and checked.status == "sandbox" and not checked.anchored
    # Every other event type can be tried at once with a test event.
    sandbox.webhook_test(endpoint.id, "anchor.confirmed")
    assert receiver.wait_for("anchor.confirmed")["data"]
    _signed(receiver, endpoint.secret)

    # Live: the same partner's live key sees none of the sandbox data.
    live = Client(server, api_key=_key(partner, sandbox=False))
    assert list(live.submissions()) == []
    with pytest.raises(ApiError) as hidden:
        live.submission_get(case.id)
    assert hidden.value.status == 404
    live_endpoint = live.webhook_endpoint_create(url=receiver.url, event_types=every_type)
    assert live_endpoint.secret
    receiver.deliveries.clear()
    real = live.submission_create(category="handbag", brand="hermes", external_reference="o-2")
    for index, slot in enumerate(handbag.slots):
        live.photo_upload(real.id, slot.code, good_jpeg(index))
    live.submission_submit(real.id)
    row = Submission.objects.get(uid=real.id)
    settled = ("awaiting_expert", "needs_retake")
    wait_for(lambda: Submission.objects.get(pk=row.pk).status in settled, 60, "the pre-screen")
    row.refresh_from_db()
    if row.status != "awaiting_expert":  # the tiny model asked for a retake: hand it over
        row.status = "queued"
        row.save(update_fields=["status"])
        to_expert_queue(row)
    # The experts' part, as they do it on the case page: every seat routing opened.
    while (seat := review_services.review_take_next(expert=(who := expert()))) is not None:
        assert seat.submission_id == row.pk
        sign(seat, who)
    issued = receiver.wait_for("report.issued")["data"]
    report_id = issued["report"]["id"]
    pending = live.verify_report(report_id)
    assert pending.ok and pending.status == "pending_anchor"

    from provenance.anchoring import web3_get
    from provenance.tests.conftest import settle

    settle(web3_get(chain.rpc_url))
    confirmed = receiver.wait_for("anchor.confirmed")["data"]
    assert confirmed["report"]["id"] == report_id
    verified = live.verify_report(report_id, live=True)
    assert verified.ok and verified.status == "valid" and verified.anchored
    assert verified.outcome == "valid" and verified.revocation is None
    by_bundle = live.verify_bundle(live.report_bundle(report_id))
    assert by_bundle.ok and by_bundle.report == report_id
    _signed(receiver, live_endpoint.secret)
