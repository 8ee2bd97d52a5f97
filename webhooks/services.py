"""Webhook business logic: partners register endpoints, the platform emits events to them,
staff redeliver. Each delivery is sent by a task (webhooks/tasks.py) after the commit."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from api.models import Partner
from webhooks import outbound
from webhooks.models import (
    EventType,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    secret_generate,
)
from webhooks.selectors import endpoints_subscribed, endpoints_subscribed_everywhere

# A bound on fan-out: each event is sent once per endpoint.
MAX_ENDPOINTS_PER_PARTNER = 20

# What a test event carries: the shape of the real event (webhooks/subscribers.py), with
# made-up values; webhooks/schema.py describes both, and its test sends both.
_SUBMISSION = {
    "id": "00000000-0000-4000-8000-000000000001",
    "reference": "AP-000000",
    "external_reference": "your-order-1",
    "url": "https://authplatform.example/api/v1/submissions/00000000-0000-4000-8000-000000000001/",
}
_REPORT = {
    "id": "00000000-0000-4000-8000-000000000002",
    "version": 1,
    "verdict": "authentic",
    "sha256": "0" * 64,
    "url": "https://authplatform.example/api/v1/reports/00000000-0000-4000-8000-000000000002/",
    "public_url": "https://authplatform.example/r/example-token/",
}
TEST_DATA: dict[str, dict[str, Any]] = {
    "submission.status_changed": {
        "submission": _SUBMISSION, "status": "queued", "previous_status": "submitted",
    },
    "photo.rejected": {
        "submission": _SUBMISSION,
        "slot": "front",
        "issues": [{"code": "blurry", "reason": "Blurry",
                    "hint": "hold the phone still, tap the screen to focus, and shoot again."}],
    },
    "report.issued": {"submission": _SUBMISSION, "report": _REPORT},
    "report.revoked": {
        "submission": _SUBMISSION,
        "report": _REPORT,
        "superseded_by": {**_REPORT, "id": "00000000-0000-4000-8000-000000000004", "version": 2},
        "reason": "A clerical error was corrected.",
        "reason_code": "superseded",
    },
    "anchor.confirmed": {
        "submission": _SUBMISSION,
        "report": _REPORT,
        "anchor": {"chain_id": 1337, "contract": "0x" + "0" * 40, "batch": 1,
                   "block_number": 1, "block_hash": "0x" + "0" * 64},
        "verify_url": "https://authplatform.example/api/v1/verify/00000000-0000-4000-8000-000000000002/",
    },
    "dispute.updated": {
        "dispute": {"id": "00000000-0000-4000-8000-000000000003", "state": "triage",
                    "previous_state": None, "outcome": None,
                    "url": "https://authplatform.example/api/v1/disputes/00000000-0000-4000-8000-000000000003/"},
        "report": _REPORT,
    },
}  # fmt: skip


def _url_validate(url: str) -> None:
    try:
        outbound.url_check(url)
    except outbound.UrlRefused as error:
        raise ValidationError({"url": [str(error)]}) from error


def _event_types_validate(event_types: list[str]) -> list[str]:
    unknown = sorted(set(event_types) - set(EventType.values))
    if unknown or not event_types:
        raise ValidationError(
            {"event_types": [f"Choose one or more of: {', '.join(EventType.values)}."]}
        )
    return list(dict.fromkeys(event_types))


def _deliver_after_commit(delivery_ids: list[int]) -> None:
    from webhooks.tasks import webhook_deliver

    def enqueue() -> None:
        for delivery_id in delivery_ids:
            webhook_deliver.delay(delivery_id)

    transaction.on_commit(enqueue)


def endpoint_create(
    *, partner: Partner, url: str, event_types: list[str], sandbox: bool, description: str = ""
) -> WebhookEndpoint:
    """A new endpoint with a fresh secret (``endpoint.secret``), which the caller shows once."""
    _url_validate(url)
    event_types = _event_types_validate(event_types)
    with transaction.atomic():
        Partner.objects.select_for_update().get(pk=partner.pk)
        if partner.webhook_endpoints.filter(sandbox=sandbox).count() >= MAX_ENDPOINTS_PER_PARTNER:
            raise ValidationError(f"At most {MAX_ENDPOINTS_PER_PARTNER} endpoints per mode.")
        return WebhookEndpoint.objects.create(
            partner=partner,
            url=url,
            event_types=event_types,
            sandbox=sandbox,
            description=description,
        )


def endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    event_types: list[str] | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> WebhookEndpoint:
    """Change what was given. Disabling an endpoint cancels its pending deliveries."""
    if url is not None:
        _url_validate(url)
        endpoint.url = url
    if event_types is not None:
        endpoint.event_types = _event_types_validate(event_types)
    if description is not None:
        endpoint.description = description
    with transaction.atomic():
        if active is not None:
            if endpoint.active and not active:
                endpoint.deliveries.filter(state=WebhookDelivery.State.PENDING).update(
                    state=WebhookDelivery.State.FAILED, next_attempt_at=None
                )
            endpoint.active = active
        endpoint.save(update_fields=["url", "event_types", "description", "active"])
    return endpoint


def endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint with its deliveries; a task already running finds nothing to do."""
    with transaction.atomic():
        endpoint.delete()


def endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret, effective for the next attempt; the old one stops working at once."""
    with transaction.atomic():
        endpoint.secret = secret_generate()
        endpoint.save(update_fields=["secret"])
    return endpoint


def webhook_emit(
    *, partner: Partner, event_type: str, data: dict[str, Any], sandbox: bool
) -> WebhookEvent | None:
    """Send ``event_type`` to each active endpoint of the partner that subscribed to it.

    Call it inside the transaction that changes the data: the deliveries are enqueued only
    if it commits. Nothing is stored when no endpoint wants the event (returns None).
    ``data`` must be JSON-serialisable (UUIDs, datetimes and decimals are turned to strings,
    datetimes in the API's one format), and as webhooks/schema.py describes the event type.
    """
    if event_type not in EventType.values:
        raise ValueError(f"Unknown webhook event type: {event_type}")
    endpoints = endpoints_subscribed(partner=partner, event_type=event_type, sandbox=sandbox)
    if not endpoints:
        return None
    with transaction.atomic():
        event = WebhookEvent.objects.create(
            partner=partner, event_type=event_type, sandbox=sandbox, data=data
        )
        deliveries = WebhookDelivery.objects.bulk_create(
            [WebhookDelivery(event=event, endpoint=endpoint) for endpoint in endpoints]
        )
        _deliver_after_commit([d.pk for d in deliveries])
    return event


def webhook_broadcast(
    *, event_type: str, data: dict[str, Any], sandbox: bool, exclude_partner_ids: list[int]
) -> list[WebhookEvent]:
    """Send ``event_type`` to every partner's endpoints that subscribed to it, but those of
    ``exclude_partner_ids`` (who hear of it in a richer event of their own). ``data`` must be
    public: every subscribed partner receives the same. One event per partner, so each sees
    only its own deliveries."""
    if event_type not in EventType.values:
        raise ValueError(f"Unknown webhook event type: {event_type}")
    endpoints = endpoints_subscribed_everywhere(
        event_type=event_type, sandbox=sandbox, exclude_partner_ids=exclude_partner_ids
    )
    by_partner: dict[int, list[WebhookEndpoint]] = {}
    for endpoint in endpoints:
        by_partner.setdefault(endpoint.partner_id, []).append(endpoint)
    events = []
    with transaction.atomic():
        for partner_endpoints in by_partner.values():
            event = WebhookEvent.objects.create(
                partner=partner_endpoints[0].partner,
                event_type=event_type,
                sandbox=sandbox,
                data=data,
            )
            deliveries = WebhookDelivery.objects.bulk_create(
                [WebhookDelivery(event=event, endpoint=endpoint) for endpoint in partner_endpoints]
            )
            _deliver_after_commit([d.pk for d in deliveries])
            events.append(event)
    return events


def webhook_test_send(*, endpoint: WebhookEndpoint, event_type: str) -> WebhookDelivery:
    """A test event (``"test": true``, made-up data) to this endpoint only, subscribed or not."""
    if event_type not in EventType.values:
        raise ValidationError({"event_type": [f"Not an event type: {event_type}."]})
    with transaction.atomic():
        event = WebhookEvent.objects.create(
            partner=endpoint.partner,
            event_type=event_type,
            sandbox=endpoint.sandbox,
            test=True,
            data=TEST_DATA[event_type],
        )
        delivery = WebhookDelivery.objects.create(event=event, endpoint=endpoint)
        _deliver_after_commit([delivery.pk])
    return delivery


def delivery_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Staff: one more attempt now, whatever the delivery's state.

    A delivery that had given up gets this one attempt; one still retrying keeps its
    schedule after it.
    """
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=WebhookDelivery.State.PENDING, next_attempt_at=timezone.now()
        )
        _deliver_after_commit([delivery.pk])
    delivery.refresh_from_db()
    return delivery
