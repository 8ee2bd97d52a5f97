"""One attempt at a delivery: claim it, POST the signed event, record what came back, and
decide when to try again."""

from __future__ import annotations

import json
import time
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from authplatform.timestamps import wire_timestamp
from webhooks import outbound
from webhooks.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WireJSONEncoder,
)
from webhooks.signing import signature_header

# Seconds to wait after each failed attempt: 1 min, 5 min, 30 min, 2 h, 5 h, 8 h, 8 h. Eight
# attempts over about a day (23 h 36 min); after the eighth fails the delivery is failed
# and its endpoint marked failing.
WEBHOOK_RETRY_SCHEDULE = (60, 300, 1800, 7200, 18000, 28800, 28800)
# A claimed attempt is due again after this long, should its worker die mid-request: longer
# than the task's hard time limit, so a live attempt is never claimed twice.
CLAIM_SECONDS = 300
USER_AGENT = "authplatform-webhooks/1"


def event_body(event: WebhookEvent) -> bytes:
    """The envelope every delivery POSTs (webhooks/schema.py describes it)."""
    body = {
        "id": event.wire_id,
        "type": event.event_type,
        # Unix seconds, from before the one timestamp format; kept for existing receivers.
        "created": int(event.created_at.timestamp()),
        "created_at": wire_timestamp(event.created_at),
        "sandbox": event.sandbox,
        "test": event.test,
        "data": event.data,
    }
    return json.dumps(body, cls=WireJSONEncoder, separators=(",", ":")).encode()


def _headers(delivery: WebhookDelivery, body: bytes) -> dict[str, str]:
    """The headers of an attempt. One URL may be two endpoints (each signs with its own
    secret): the endpoint id says which, the delivery id is the same on every retry."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Authplatform-Event-Id": delivery.event.wire_id,
        "Authplatform-Event-Type": delivery.event.event_type,
        "Authplatform-Endpoint-Id": str(delivery.endpoint.uid),
        "Authplatform-Delivery-Id": str(delivery.pk),
        "Authplatform-Signature": signature_header(
            secret=delivery.endpoint.secret, body=body, timestamp=int(time.time())
        ),
    }


def _claim(delivery_id: int) -> bool:
    """Take the attempt if it is due and nobody else has: one row updated, or none.

    A duplicate message (the sweeper, a broker redelivery) finds the delivery not due.
    """
    now = timezone.now()
    return bool(
        WebhookDelivery.objects.filter(
            pk=delivery_id, state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now
        ).update(
            attempt_count=F("attempt_count") + 1,
            next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS),
        )
    )


def delivery_attempt(*, delivery_id: int) -> tuple[str, int | None]:
    """Make one attempt if it is due. The outcome, and the seconds until the next attempt
    when one is scheduled."""
    if not _claim(delivery_id):
        return "not due", None
    delivery = WebhookDelivery.objects.select_related("event", "endpoint").get(pk=delivery_id)
    body = event_body(delivery.event)
    started_at, started = timezone.now(), time.monotonic()
    reply: outbound.Reply | None = None
    error = ""
    try:
        reply = outbound.post(
            delivery.endpoint.url,
            body=body,
            headers=_headers(delivery, body),
        )
    except outbound.OutboundError as failure:
        error = str(failure)
    latency_ms = int((time.monotonic() - started) * 1000)
    status = reply.status if reply is not None else None
    if status is not None and 300 <= status < 400:
        error = "Redirects are not followed: the URL must answer 2xx itself."
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempt_count,
            started_at=started_at,
            status_code=status,
            latency_ms=latency_ms,
            response_excerpt=reply.excerpt if reply is not None else "",
            error=error,
        )
        return _settle(delivery, status)


def _settle(delivery: WebhookDelivery, status: int | None) -> tuple[str, int | None]:
    now = timezone.now()
    endpoints = WebhookEndpoint.objects.filter(pk=delivery.endpoint_id)
    fields: dict[str, object] = {"last_status_code": status, "next_attempt_at": None}
    if status is not None and 200 <= status < 300:
        fields.update(state=WebhookDelivery.State.SUCCEEDED, delivered_at=now)
        outcome, delay = "succeeded", None
        endpoints.exclude(failing_since=None).update(failing_since=None)
    elif delivery.attempt_count <= len(WEBHOOK_RETRY_SCHEDULE):
        delay = WEBHOOK_RETRY_SCHEDULE[delivery.attempt_count - 1]
        fields.update(next_attempt_at=now + timedelta(seconds=delay))
        outcome = f"retry in {delay} s"
    else:
        fields.update(state=WebhookDelivery.State.FAILED)
        outcome, delay = "failed", None
        endpoints.filter(failing_since=None).update(failing_since=now)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    return outcome, delay
