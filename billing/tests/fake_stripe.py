"""A stand-in for Stripe's side of the wire: an HTTP API on a free loopback port, and webhook
events signed the way Stripe signs them.

Only what leaves the machine is faked. The official ``stripe`` library talks to `FakeStripe`
over real HTTP (``STRIPE_API_BASE`` points it here), and the webhook endpoint verifies the
events `signed_event` builds with the library's own verifier. The signature is computed here
by hand from Stripe's published scheme (``t=<ts>,v1=<hex hmac-sha256 of "<ts>.<body>">``), not
by calling the code under test.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import pytest

WEBHOOK_SECRET = "whsec_test_fake_stripe_secret"
API_KEY = "sk_test_fake_stripe_key"


@dataclass(frozen=True)
class StripeRequest:
    """One request the fake received, as the library sent it."""

    method: str
    path: str
    form: dict[str, str]
    idempotency_key: str | None
    authorization: str | None


@dataclass
class FakeStripe:
    """Stripe's API for the calls the platform makes: creating, expiring and retrieving a
    Checkout Session, and creating a Refund. Answers like Stripe: the same
    ``Idempotency-Key`` replays the first answer. ``session_complete`` stands for the member
    paying a session on Stripe's page."""

    requests: list[StripeRequest] = field(default_factory=list)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    _answers: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def base(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeStripe:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                request = StripeRequest(
                    method="POST",
                    path=self.path,
                    form=dict(parse_qsl(body, keep_blank_values=True)),
                    idempotency_key=self.headers.get("Idempotency-Key"),
                    authorization=self.headers.get("Authorization"),
                )
                status, answer = fake._answer(request)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_fake_{next(fake._ids)}")
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                request = StripeRequest(
                    method="GET",
                    path=self.path.split("?", 1)[0],
                    form={},
                    idempotency_key=None,
                    authorization=self.headers.get("Authorization"),
                )
                status, answer = fake._answer(request)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_fake_{next(fake._ids)}")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def posts_to(self, path: str) -> list[StripeRequest]:
        return [r for r in self.requests if r.path == path and r.method == "POST"]

    def session_complete(self, session_id: str, *, payment_intent: str = "pi_test_webhook") -> None:
        """The member paid the session on Stripe's page: it can't be expired any more."""
        with self._lock:
            session = self.sessions[session_id]
            session.update(status="complete", payment_status="paid", payment_intent=payment_intent)

    def _answer(self, request: StripeRequest) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.requests.append(request)
            key = request.idempotency_key
            if key is not None and key in self._answers:
                return self._answers[key]
            if request.authorization != f"Bearer {API_KEY}":
                answer = _error(401, "invalid_request_error", "Invalid API Key provided.")
            elif request.method == "GET":
                answer = self._session_get(request.path)
            elif request.path == "/v1/checkout/sessions":
                answer = self._session_create(request.form)
            elif request.path.startswith("/v1/checkout/sessions/") and request.path.endswith(
                "/expire"
            ):
                answer = self._session_expire(request.path.split("/")[-2])
            elif request.path == "/v1/refunds":
                answer = self._refund_create(request.form)
            else:
                answer = _error(404, "invalid_request_error", f"Unrecognized {request.path}")
            if key is not None:
                self._answers[key] = answer
            return answer

    def _session_create(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        missing = [
            name
            for name in ("mode", "success_url", "cancel_url", "line_items[0][quantity]")
            if name not in form
        ]
        if missing:
            return _error(400, "invalid_request_error", f"Missing required param: {missing[0]}.")
        session_id = f"cs_test_{next(self._ids):06d}"
        amount = int(form["line_items[0][price_data][unit_amount]"]) * int(
            form["line_items[0][quantity]"]
        )
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": form["mode"],
            "amount_total": amount,
            "currency": form["line_items[0][price_data][currency]"],
            "client_reference_id": form.get("client_reference_id"),
            "metadata": {
                k[len("metadata[") : -1]: v for k, v in form.items() if k.startswith("metadata[")
            },
            "payment_status": "unpaid",
            "status": "open",
            "payment_intent": None,
            "success_url": form["success_url"],
            "cancel_url": form["cancel_url"],
            "url": f"https://checkout.stripe.test/c/pay/{session_id}",
        }
        self.sessions[session_id] = session
        return 200, session

    def _session_get(self, path: str) -> tuple[int, dict[str, Any]]:
        prefix = "/v1/checkout/sessions/"
        session = self.sessions.get(path[len(prefix) :]) if path.startswith(prefix) else None
        if session is None:
            return _error(404, "invalid_request_error", f"No such checkout.session: {path}")
        return 200, session

    def _session_expire(self, session_id: str) -> tuple[int, dict[str, Any]]:
        session = self.sessions.get(session_id)
        if session is None:
            return _error(404, "invalid_request_error", f"No such checkout.session: {session_id}")
        if session["status"] != "open":
            # Stripe's answer for a session that is complete or expired already.
            return _error(
                400,
                "invalid_request_error",
                'Only Checkout Sessions with a status in ["open"] can be expired.',
            )
        session.update(status="expired", url=None)
        return 200, session

    def _refund_create(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        intent = form.get("payment_intent")
        if not intent:
            return _error(400, "invalid_request_error", "Missing required param: payment_intent.")
        refund_id = f"re_test_{next(self._ids):06d}"
        refund = {
            "id": refund_id,
            "object": "refund",
            "payment_intent": intent,
            "amount": int(form["amount"]) if "amount" in form else None,
            "currency": "eur",
            "status": "succeeded",
            "metadata": {
                k[len("metadata[") : -1]: v for k, v in form.items() if k.startswith("metadata[")
            },
        }
        self.refunds[refund_id] = refund
        return 200, refund


def _error(status: int, kind: str, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"type": kind, "message": message}}


# --- Webhook events -------------------------------------------------------------------------

_event_ids = itertools.count(1)


def stripe_signature(body: bytes, *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe sends with ``body``, computed from its spec."""
    timestamp = int(time.time()) if at is None else at
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event(event_type: str, obj: dict[str, Any], *, event_id: str | None = None) -> bytes:
    """A Stripe event body (API version 2024+ shape) around ``obj``."""
    body = {
        "id": event_id or f"evt_test_{next(_event_ids):06d}",
        "object": "event",
        "api_version": "2025-10-29.clover",
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
        "data": {"object": obj},
    }
    return json.dumps(body).encode()


def checkout_session(
    *,
    invoice_number: str,
    amount_total: int,
    currency: str = "eur",
    session_id: str = "cs_test_webhook",
    payment_intent: str | None = "pi_test_webhook",
    payment_status: str = "paid",
    status: str = "complete",
) -> dict[str, Any]:
    """The Checkout Session object inside a ``checkout.session.*`` event."""
    return {
        "id": session_id,
        "object": "checkout.session",
        "mode": "payment",
        "amount_total": amount_total,
        "currency": currency,
        "client_reference_id": invoice_number,
        "metadata": {"invoice": invoice_number},
        "payment_intent": payment_intent,
        "payment_status": payment_status,
        "status": status,
    }


def charge(
    *,
    payment_intent: str,
    amount: int,
    amount_refunded: int = 0,
    currency: str = "eur",
    charge_id: str = "ch_test_webhook",
) -> dict[str, Any]:
    """The Charge object inside a ``charge.*`` event."""
    return {
        "id": charge_id,
        "object": "charge",
        "amount": amount,
        "amount_refunded": amount_refunded,
        "currency": currency,
        "payment_intent": payment_intent,
        "refunded": amount_refunded >= amount,
        "status": "succeeded",
    }


def dispute(
    *, payment_intent: str, amount: int, charge_id: str = "ch_test_webhook"
) -> dict[str, Any]:
    """The Dispute object inside a ``charge.dispute.*`` event."""
    return {
        "id": "dp_test_webhook",
        "object": "dispute",
        "amount": amount,
        "currency": "eur",
        "charge": charge_id,
        "payment_intent": payment_intent,
        "reason": "fraudulent",
        "status": "needs_response",
    }


# --- Fixtures (import them into a test module) ----------------------------------------------


@pytest.fixture
def stripe_settings(settings: Any) -> Any:
    """Stripe as the payment provider, with the test secret and key; nothing reachable."""
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = API_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300
    # A port nothing listens on (the fake below replaces it when a test starts one).
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    return settings


@pytest.fixture
def fake_stripe(stripe_settings: Any) -> Iterator[FakeStripe]:
    """Stripe's API on a free loopback port, stopped after the test."""
    fake = FakeStripe().start()
    stripe_settings.STRIPE_API_BASE = fake.base
    try:
        yield fake
    finally:
        fake.stop()


def deliver(client: Any, body: bytes, signature: str | None = "") -> Any:
    """POST ``body`` to the webhook endpoint as Stripe does; ``signature=""`` signs it with
    the test secret now, ``None`` sends no header."""
    headers = {}
    if signature is not None:
        headers["HTTP_STRIPE_SIGNATURE"] = signature or stripe_signature(body)
    return client.post(
        "/billing/webhooks/stripe/", data=body, content_type="application/json", **headers
    )


def invoice_for_card(
    member: Any, *, cents: int = 4400, points: int = 0, reference: str = ""
) -> Any:
    """A due appraisal invoice, issued by billing's own service, as a case's checkout makes."""
    from billing.services.invoices import LineInput, invoice_issue

    return invoice_issue(
        member=member,
        purpose="appraisal",
        reference=reference or f"submission:{next(_event_ids):032x}",
        lines=[LineInput(description="Appraisal (Priority, 12 h)", cents=cents)],
        points=points,
    )
