"""Emitting domain events and delivering them to subscribers.

- `event_emit` writes the event and one pending delivery per subscriber, in the caller's
  transaction (it refuses to run outside one), and delivers it right after that commits, in
  the same process (`event_dispatch_now`): a rolled-back change emits nothing, a committed one
  cannot lose its event, and the process that made the change sees its effects at once. What
  fails then is retried by the sweep (events.tasks.events_dispatch_due, every 15 s).
- `delivery_run` runs one subscriber's handler in a transaction that also marks the delivery
  delivered: a handler that only writes to the database takes effect exactly once; one that
  reaches outside (a webhook, an email) must be idempotent, as it may run again after a crash.
- Events about one aggregate reach a subscriber in order: a delivery waits while an earlier
  one for the same subscriber and aggregate is still open (pending or failed).
- A failing handler is retried with exponential backoff; after ``EVENTS_MAX_ATTEMPTS`` the
  delivery is failed and waits for staff, who retry or skip it in the admin.
"""

from __future__ import annotations

import logging
import traceback
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from events.models import Delivery, Event
from events.registry import (
    EventError,
    event_from,
    payload_of,
    subscriber_named,
    subscribers_of,
    type_of,
)

logger = logging.getLogger(__name__)

State = Delivery.State
OPEN = (State.PENDING, State.FAILED)


def event_emit(event: Any) -> Event:
    """Record ``event`` (a registered domain event) in the current transaction."""
    if not connection.in_atomic_block:
        raise EventError(
            "event_emit runs inside the transaction that makes the change (transaction.atomic)."
        )
    event_type = type_of(type(event))
    aggregate_id = str(event.aggregate_id)
    row = Event.objects.create(
        name=event_type.name,
        aggregate=event_type.aggregate,
        aggregate_id=aggregate_id,
        payload=payload_of(event),
    )
    key = f"{event_type.aggregate}:{aggregate_id}"
    deliveries = Delivery.objects.bulk_create(
        Delivery(event=row, subscriber=s.name, aggregate_key=key)
        for s in subscribers_of(event_type.name)
    )
    if deliveries:
        transaction.on_commit(lambda: event_dispatch_now(event_id=row.pk))
    return row


def event_dispatch_now(*, event_id: int) -> dict[int, str]:
    """Deliver one event to its subscribers, here and now (right after the emitting
    transaction commits, in the process that made the change, so that process sees the
    effects at once). Never raises: what can't be delivered now, the sweep delivers later."""
    outcomes: dict[int, str] = {}
    try:
        for delivery_id in Delivery.objects.filter(event_id=event_id).values_list("pk", flat=True):
            outcomes[delivery_id] = delivery_run(delivery_id=delivery_id)
    except DatabaseError as error:
        logger.warning("event %s: dispatch deferred to the sweep: %s", event_id, error)
    return outcomes


def backoff(attempts: int) -> timedelta:
    """The wait after ``attempts`` failed attempts: 2, 4, 8 … seconds, at most the cap."""
    seconds = min(2**attempts, settings.EVENTS_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds)


def delivery_run(*, delivery_id: int) -> str:
    """One attempt at a delivery if it is due and next in its aggregate's order; what happened
    ("delivered", "waiting", "not due", "retry", "failed", "busy", "done")."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return "busy"  # another worker holds it (or it is gone)
        if delivery.state != State.PENDING:
            return "done"
        if delivery.next_attempt_at > timezone.now():
            return "not due"
        if _earlier_open(delivery):
            return "waiting"
        subscriber = subscriber_named(delivery.subscriber)
        try:
            if subscriber is None:
                raise EventError(f"No subscriber named {delivery.subscriber!r} is registered.")
            event = event_from(delivery.event.name, delivery.event.payload)
            with transaction.atomic():
                subscriber.handler(event)
        except Exception as error:  # noqa: BLE001  (any handler failure is retried, then held)
            return _failed(delivery, error)
        delivery.state = State.DELIVERED
        delivery.attempts += 1
        delivery.delivered_at = timezone.now()
        delivery.last_error = ""
        delivery.save(update_fields=["state", "attempts", "delivered_at", "last_error"])
    _successor_run(delivery)
    return "delivered"


def _successor_run(delivery: Delivery) -> None:
    """The next event about the same aggregate for the same subscriber may have waited for
    this one: run it now rather than at the next sweep."""
    following = (
        Delivery.objects.filter(
            subscriber=delivery.subscriber,
            aggregate_key=delivery.aggregate_key,
            event_id__gt=delivery.event_id,
            state=State.PENDING,
            next_attempt_at__lte=timezone.now(),
        )
        .order_by("event_id")
        .values_list("pk", flat=True)
        .first()
    )
    if following is not None:
        delivery_run(delivery_id=following)


def _earlier_open(delivery: Delivery) -> bool:
    return Delivery.objects.filter(
        subscriber=delivery.subscriber,
        aggregate_key=delivery.aggregate_key,
        event_id__lt=delivery.event_id,
        state__in=OPEN,
    ).exists()


def _failed(delivery: Delivery, error: Exception) -> str:
    delivery.attempts += 1
    delivery.last_error = "".join(traceback.format_exception_only(error)).strip()[:2000]
    if delivery.attempts >= settings.EVENTS_MAX_ATTEMPTS:
        delivery.state = State.FAILED
        outcome = "failed"
        logger.error("event delivery %s failed for good: %s", delivery.pk, delivery.last_error)
    else:
        delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
        outcome = "retry"
        logger.warning("event delivery %s failed, retrying: %s", delivery.pk, delivery.last_error)
    delivery.save(update_fields=["state", "attempts", "last_error", "next_attempt_at"])
    return outcome


def delivery_retry(*, delivery_id: int) -> Delivery:
    """Staff: give a failed delivery a fresh round of attempts, now."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.state != State.FAILED:
            raise EventError("Only a failed delivery can be retried.")
        delivery.state = State.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["state", "attempts", "next_attempt_at"])
        # At once after the commit, in this process; failing again, the sweep takes over.
        transaction.on_commit(lambda: delivery_run(delivery_id=delivery.pk))
    return delivery


def delivery_skip(*, delivery_id: int) -> Delivery:
    """Staff: give up on a failed delivery, so later events about its aggregate go on."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.state != State.FAILED:
            raise EventError("Only a failed delivery can be skipped.")
        delivery.state = State.SKIPPED
        delivery.save(update_fields=["state"])
    return delivery
