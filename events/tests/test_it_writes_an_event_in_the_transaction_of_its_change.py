"""An event is written in the transaction that makes the change: refused outside one, gone
with a rollback, delivered once the transaction commits."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from events.models import Delivery, Event
from events.registry import EventError
from events.services import event_emit
from events.tests.events_for_tests import ParcelMoved, subscribed

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_emit_outside_a_transaction() -> None:
    with pytest.raises(EventError, match="inside the transaction"):
        event_emit(ParcelMoved(parcel=1, to="Paris"))
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_a_rolled_back_change_emits_nothing() -> None:
    seen: list[Any] = []
    with subscribed("test.seen", seen.append):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                event_emit(ParcelMoved(parcel=2, to="Lyon"))
                raise RuntimeError("the change failed")

    assert not Event.objects.exists() and not Delivery.objects.exists() and not seen


@pytest.mark.django_db
def test_a_committed_event_reaches_each_subscriber_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    first: list[Any] = []
    second: list[Any] = []
    with subscribed("test.first", first.append), subscribed("test.second", second.append):
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                row = event_emit(ParcelMoved(parcel=3, to="Nice"))

    assert first == second == [ParcelMoved(parcel=3, to="Nice")]
    assert (row.name, row.aggregate, row.aggregate_id) == ("test.parcel_moved", "parcel", "3")
    assert row.payload == {"parcel": 3, "to": "Nice"}
    states = set(Delivery.objects.values_list("subscriber", "state", "attempts"))
    assert states == {("test.first", "delivered", 1), ("test.second", "delivered", 1)}
