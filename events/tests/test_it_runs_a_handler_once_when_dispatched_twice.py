"""Idempotent per subscriber: a delivery dispatched twice, even by two workers at once, runs
its handler once, and what the handler wrote commits with the delivery's own record."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from events.models import Delivery, Event
from events.services import delivery_run, event_emit
from events.tests.events_for_tests import ParcelMoved, subscribed


@pytest.mark.django_db
def test_a_second_dispatch_finds_it_done() -> None:
    handled: list[Any] = []
    with subscribed("test.once", handled.append):
        with transaction.atomic():
            event_emit(ParcelMoved(parcel=5, to="Rome"))
        delivery = Delivery.objects.get()
        assert delivery_run(delivery_id=delivery.pk) == "delivered"
        assert delivery_run(delivery_id=delivery.pk) == "done"
    assert len(handled) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_run_it_once() -> None:
    handled: list[Any] = []
    inside = threading.Event()
    release = threading.Event()
    armed = threading.Event()

    def slow(event: ParcelMoved) -> None:
        if not armed.is_set():
            # The dispatch on commit comes first, in this thread: it fails, and waits to retry.
            raise RuntimeError("not yet")
        # What the handler writes commits with the delivery, or not at all.
        Event.objects.create(name="test.side_effect", aggregate="x", aggregate_id="1", payload={})
        handled.append(event)
        inside.set()
        release.wait(10)

    outcomes: list[str] = []

    def worker() -> None:
        try:
            outcomes.append(delivery_run(delivery_id=delivery.pk))
        finally:
            connection.close()

    with subscribed("test.slow", slow):
        with transaction.atomic():
            event_emit(ParcelMoved(parcel=6, to="Oslo"))
        delivery = Delivery.objects.get()
        assert (delivery.state, delivery.attempts) == ("pending", 1)
        Delivery.objects.update(next_attempt_at=timezone.now())
        armed.set()
        first = threading.Thread(target=worker)
        first.start()
        assert inside.wait(10)
        second = threading.Thread(target=worker)
        second.start()
        second.join(10)
        release.set()
        first.join(10)

    assert sorted(outcomes) == ["busy", "delivered"]
    assert len(handled) == 1
    assert Event.objects.filter(name="test.side_effect").count() == 1
