"""Delivery: ordered per aggregate for each subscriber, retried with backoff, held for staff
after the last attempt, and retried or skipped from the admin."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from events.models import Delivery
from events.services import event_emit
from events.tasks import events_dispatch_due
from events.tests.events_for_tests import ParcelMoved, subscribed

pytestmark = pytest.mark.django_db


class Flaky:
    """Fails for parcel 1 while ``broken``; records what it handled."""

    def __init__(self) -> None:
        self.broken = True
        self.handled: list[tuple[int, str]] = []

    def __call__(self, event: ParcelMoved) -> None:
        if event.parcel == 1 and self.broken:
            raise ConnectionError("the partner is down")
        self.handled.append((event.parcel, event.to))


def _emit(parcel: int, to: str) -> None:
    with transaction.atomic():
        event_emit(ParcelMoved(parcel=parcel, to=to))


def _later(seconds: float) -> None:
    """Make every pending delivery due as if ``seconds`` had passed."""
    Delivery.objects.filter(state="pending").update(
        next_attempt_at=timezone.now() - timedelta(seconds=seconds)
    )


def test_a_failing_delivery_holds_back_later_events_of_its_aggregate_only(settings: Any) -> None:
    flaky = Flaky()
    with subscribed("test.flaky", flaky):
        _emit(1, "Paris")
        _emit(1, "Lyon")
        _emit(2, "Nice")
        before = timezone.now()
        events_dispatch_due()

        # Parcel 2 went; parcel 1's first move failed, and its second waits behind it.
        assert flaky.handled == [(2, "Nice")]
        first, second = Delivery.objects.filter(aggregate_key="parcel:1").order_by("event_id")
        assert (first.state, first.attempts) == ("pending", 1)
        assert "ConnectionError: the partner is down" in first.last_error
        assert timedelta(seconds=1.5) < first.next_attempt_at - before < timedelta(seconds=3)
        assert (second.state, second.attempts) == ("pending", 0)

        flaky.broken = False
        events_dispatch_due()  # not due yet: nothing moves
        assert flaky.handled == [(2, "Nice")]
        _later(3)
        events_dispatch_due()

    assert flaky.handled == [(2, "Nice"), (1, "Paris"), (1, "Lyon")]
    assert set(Delivery.objects.values_list("state", flat=True)) == {"delivered"}


def test_the_wait_doubles_up_to_the_cap_then_staff_retry_or_skip(
    settings: Any, admin_client: Client
) -> None:
    settings.EVENTS_MAX_ATTEMPTS = 4
    settings.EVENTS_RETRY_MAX_SECONDS = 5
    flaky = Flaky()
    with subscribed("test.flaky", flaky):
        _emit(1, "Paris")
        _emit(1, "Lyon")
        waits = []
        for _ in range(4):
            before = timezone.now()
            events_dispatch_due()
            delivery = Delivery.objects.order_by("event_id").first()
            waits.append(round((delivery.next_attempt_at - before).total_seconds()))
            _later(10)
        delivery.refresh_from_db()
        # 2 s, 4 s, then the cap of 5 s; the fourth failure is the last attempt.
        assert waits[:3] == [2, 4, 5]
        assert (delivery.state, delivery.attempts) == ("failed", 4)

        # The admin shows it, and staff retry it once the partner is back.
        page = admin_client.get("/admin/events/delivery/?state__exact=failed")
        assert page.status_code == 200 and "test.flaky" in page.content.decode()
        flaky.broken = False
        response = admin_client.post(
            "/admin/events/delivery/",
            {"action": "retry", "_selected_action": [delivery.pk]},
            follow=True,
        )
        assert response.status_code == 200
        # In tests the retry's dispatch runs when the admin's transaction commits.
        events_dispatch_due()

    assert flaky.handled == [(1, "Paris"), (1, "Lyon")]


def test_staff_skip_a_failed_delivery_and_the_next_goes_on(
    settings: Any, admin_client: Client
) -> None:
    settings.EVENTS_MAX_ATTEMPTS = 1
    flaky = Flaky()
    with subscribed("test.flaky", flaky):
        _emit(1, "Paris")
        _emit(1, "Lyon")
        events_dispatch_due()
        failed = Delivery.objects.get(state="failed")
        # Only a failed delivery can be skipped; a pending one is left as it is.
        pending = Delivery.objects.get(state="pending")
        flaky.broken = False
        admin_client.post(
            "/admin/events/delivery/",
            {"action": "skip", "_selected_action": [failed.pk, pending.pk]},
        )
        events_dispatch_due()

    assert flaky.handled == [(1, "Lyon")]
    failed.refresh_from_db()
    assert failed.state == "skipped"
