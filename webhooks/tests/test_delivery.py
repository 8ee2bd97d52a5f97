"""Events reach a real receiver, signed; failures are retried on the schedule, then the
endpoint is marked failing; a task run twice never attempts twice."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from authplatform_client import signature_verify
from webhooks.delivery import WEBHOOK_RETRY_SCHEDULE
from webhooks.models import EventType, WebhookDelivery, WebhookEvent
from webhooks.services import endpoint_create, endpoint_update, webhook_emit
from webhooks.signing import signature_header
from webhooks.tasks import SCHEDULE_AHEAD_SECONDS, webhook_deliver, webhooks_deliver_due

pytestmark = pytest.mark.django_db

DATA = {"submission": {"id": "5b0c1d2e-0000-4000-8000-000000000001", "status": "queued"}}


def _emit(partner: Any, capture: Any, sandbox: bool = False) -> WebhookEvent | None:
    with capture(execute=True), transaction.atomic():
        return webhook_emit(
            partner=partner,
            event_type=EventType.SUBMISSION_STATUS_CHANGED,
            data=DATA,
            sandbox=sandbox,
        )


def _make_due(delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_an_event_reaches_the_receiver_signed(
    partner,
    endpoint,
    receiver,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    event = _emit(partner, django_capture_on_commit_callbacks)

    assert event is not None and len(receiver.requests) == 1
    received = receiver.requests[0]
    assert received.verified and received.path == "/hooks/authplatform"
    assert received.json == {
        "id": f"evt_{event.uid.hex}",
        "type": "submission.status_changed",
        "created": int(event.created_at.timestamp()),
        "created_at": event.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sandbox": False,
        "test": False,
        "data": DATA,
    }
    assert received.headers["Authplatform-Event-Id"] == event.wire_id
    assert received.headers["Authplatform-Event-Type"] == "submission.status_changed"
    assert received.headers["Authplatform-Endpoint-Id"] == str(endpoint.uid)
    assert received.headers["Content-Type"] == "application/json"
    assert received.headers["User-Agent"] == "authplatform-webhooks/1"
    delivery = WebhookDelivery.objects.get()
    attempt = delivery.attempts.get()
    assert received.headers["Authplatform-Delivery-Id"] == str(delivery.pk)
    assert delivery.state == "succeeded" and delivery.delivered_at and delivery.attempt_count == 1
    assert (attempt.status_code, attempt.response_excerpt, attempt.error) == (200, "ok", "")
    assert attempt.latency_ms >= 0


def test_the_signature_refuses_another_secret_a_changed_body_and_an_old_timestamp() -> None:
    body = b'{"id":"evt_1"}'
    now = int(timezone.now().timestamp())
    fresh = signature_header(secret="whsec_a", body=body, timestamp=now)
    old = signature_header(secret="whsec_a", body=body, timestamp=now - 301)

    assert signature_verify(secret="whsec_a", header=fresh, body=body)
    assert not signature_verify(secret="whsec_b", header=fresh, body=body)
    assert not signature_verify(secret="whsec_a", header=fresh, body=body + b" ")
    assert not signature_verify(secret="whsec_a", header=old, body=body)
    assert not signature_verify(secret="whsec_a", header="t=x,v1=y", body=body)


def test_only_active_subscribed_endpoints_of_the_same_mode_get_the_event(
    partner,
    rival,
    receiver,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    def make(owner: Any, types: list[str], sandbox: bool = False) -> Any:
        return endpoint_create(partner=owner, url=receiver.url, event_types=types, sandbox=sandbox)

    wanted = make(partner, [EventType.SUBMISSION_STATUS_CHANGED, EventType.REPORT_ISSUED])
    make(partner, [EventType.REPORT_ISSUED])
    make(partner, [EventType.SUBMISSION_STATUS_CHANGED], sandbox=True)
    make(rival, [EventType.SUBMISSION_STATUS_CHANGED])
    endpoint_update(endpoint=make(partner, [EventType.SUBMISSION_STATUS_CHANGED]), active=False)

    event = _emit(partner, django_capture_on_commit_callbacks)

    assert event is not None
    assert [d.endpoint for d in event.deliveries.all()] == [wanted]
    assert len(receiver.requests) == 1


def test_nothing_is_stored_when_no_endpoint_wants_the_event(
    partner,
    endpoint,
    receiver,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    event = _emit(partner, django_capture_on_commit_callbacks, sandbox=True)

    assert event is None and not WebhookEvent.objects.exists() and not receiver.requests


def test_a_failing_receiver_is_retried_on_the_schedule_then_the_endpoint_is_failing(
    partner,
    endpoint,
    receiver,
    django_capture_on_commit_callbacks,
    monkeypatch,  # noqa: ANN001
) -> None:
    receiver.status, receiver.body = 500, b"database is down " * 100
    scheduled: list[int] = []
    send_now = webhook_deliver.apply_async

    def send(args: Any, kwargs: Any = None, countdown: int | None = None) -> Any:
        # The retries are recorded, not run: this test makes each one due and runs it.
        return send_now(args, kwargs) if countdown is None else scheduled.append(countdown)

    monkeypatch.setattr(webhook_deliver, "apply_async", send)

    _emit(partner, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    for delay in WEBHOOK_RETRY_SCHEDULE:
        delivery.refresh_from_db()
        last = delivery.attempts.order_by("-number").first()
        assert delivery.state == "pending" and endpoint.failing_since is None
        assert last is not None and delivery.next_attempt_at is not None
        waited = delivery.next_attempt_at - last.started_at
        assert timedelta(seconds=delay) <= waited < timedelta(seconds=delay + 5)
        _make_due(delivery)
        webhook_deliver(delivery.pk)
        endpoint.refresh_from_db()

    delivery.refresh_from_db()
    attempts = list(delivery.attempts.order_by("number"))
    # Waits up to half an hour are delayed messages; longer ones are the sweeper's.
    assert scheduled == [d for d in WEBHOOK_RETRY_SCHEDULE if d <= SCHEDULE_AHEAD_SECONDS]
    assert delivery.state == "failed" and delivery.next_attempt_at is None
    assert delivery.last_status_code == 500 and endpoint.failing_since is not None
    assert [a.number for a in attempts] == list(range(1, len(WEBHOOK_RETRY_SCHEDULE) + 2))
    assert len(receiver.requests) == len(attempts)
    # Every retry is the same delivery, of the same event, to the same endpoint.
    assert {
        (r.headers["Authplatform-Delivery-Id"], r.headers["Authplatform-Event-Id"],
         r.headers["Authplatform-Endpoint-Id"]) for r in receiver.requests
    } == {(str(delivery.pk), delivery.event.wire_id, str(endpoint.uid))}  # fmt: skip
    for attempt in attempts:
        assert attempt.status_code == 500 and attempt.latency_ms >= 0
        assert attempt.response_excerpt == ("database is down " * 100)[:500]
    assert sum(WEBHOOK_RETRY_SCHEDULE) / 3600 == pytest.approx(24, abs=1)


def test_a_success_clears_failing_since(
    partner,
    endpoint,
    receiver,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    endpoint.failing_since = timezone.now()
    endpoint.save()

    _emit(partner, django_capture_on_commit_callbacks)

    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_a_task_run_twice_attempts_once(
    partner,
    endpoint,
    receiver,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    receiver.status = 503
    _emit(partner, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()

    # Eager mode already ran the retry message at once: it found the attempt not yet due.
    again = webhook_deliver(delivery.pk)

    assert again == "not due" and delivery.attempts.count() == 1 and len(receiver.requests) == 1


def test_the_sweeper_sends_again_what_a_lost_message_left_overdue(
    partner,
    endpoint,
    receiver,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    # Not captured, the enqueue after the commit never runs: as if the message were lost.
    webhook_emit(partner=partner, event_type=EventType.REPORT_ISSUED, data={}, sandbox=False)
    webhook_emit(partner=partner, event_type=EventType.REPORT_REVOKED, data={}, sandbox=False)
    overdue, recent = WebhookDelivery.objects.order_by("id")
    overdue.next_attempt_at = timezone.now() - timedelta(minutes=10)
    overdue.save()

    count = webhooks_deliver_due()

    assert count == 1 and len(receiver.requests) == 1
    assert receiver.requests[0].json["type"] == "report.issued"
    recent.refresh_from_db()
    assert recent.attempt_count == 0 and recent.state == "pending"


def test_data_with_uuids_and_datetimes_is_sent_as_strings_in_the_apis_one_format(
    partner,
    endpoint,
    receiver,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    paris = timezone.get_fixed_timezone(60)
    at, uid = datetime(2026, 12, 6, 2, 2, 3, 456789, tzinfo=paris), uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = webhook_emit(
            partner=partner,
            event_type=EventType.DISPUTE_UPDATED,
            data={"dispute": {"id": uid, "opened_at": at}},
            sandbox=False,
        )

    assert event is not None
    sent = json.loads(receiver.requests[0].body)["data"]["dispute"]
    assert sent == {"id": str(uid), "opened_at": "2026-12-06T01:02:03Z"}
