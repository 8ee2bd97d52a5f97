"""A throwaway domain event and subscribers, registered by the tests that need them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from events.registry import domain_event, subscriber, unsubscribe


@domain_event("test.parcel_moved", aggregate="parcel")
@dataclass(frozen=True)
class ParcelMoved:
    parcel: int
    to: str

    @property
    def aggregate_id(self) -> str:
        return str(self.parcel)


@contextmanager
def subscribed(name: str, handler: Callable[[Any], None]) -> Iterator[None]:
    subscriber(ParcelMoved, name=name)(handler)
    try:
        yield
    finally:
        unsubscribe(name)
