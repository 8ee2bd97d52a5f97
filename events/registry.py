"""Typed domain events and who subscribes to them.

An app that changes state declares its events in its own ``events.py``, as frozen dataclasses
decorated with `domain_event`::

    @domain_event("report.issued", aggregate="report")
    @dataclass(frozen=True)
    class ReportIssued:
        report_id: int
        ...

        @property
        def aggregate_id(self) -> str:
            return str(self.report_id)

and emits them with ``events.services.event_emit`` in the transaction that makes the change.
Another app reacts in its ``subscribers.py`` (found at start-up by `EventsConfig.ready`)::

    @subscriber(ReportIssued, name="passports.record_report")
    def record_report(event: ReportIssued) -> None: ...

The emitting app never imports its subscribers. A subscriber's ``name`` is its identity in the
outbox: deliveries are recorded per name, so renaming one starts it afresh.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
Handler = Callable[[Any], None]


class EventError(ValueError):
    """An event class or subscriber is declared wrongly, or a stored payload doesn't fit."""


@dataclass(frozen=True)
class EventType:
    name: str
    aggregate: str
    cls: type


@dataclass(frozen=True)
class Subscriber:
    name: str
    event: str
    handler: Handler


_types: dict[str, EventType] = {}
_by_class: dict[type, EventType] = {}
_subscribers: dict[str, Subscriber] = {}


def domain_event(name: str, *, aggregate: str) -> Callable[[type[T]], type[T]]:
    """Register a frozen dataclass as the event ``name`` about an ``aggregate`` kind."""

    def register(cls: type[T]) -> type[T]:
        if not dataclasses.is_dataclass(cls) or not cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
            raise EventError(f"{cls.__name__} must be a frozen dataclass.")
        if not hasattr(cls, "aggregate_id"):
            raise EventError(f"{cls.__name__} needs an aggregate_id property.")
        known = _types.get(name)
        if known is not None and known.cls.__qualname__ != cls.__qualname__:
            raise EventError(f"Event {name!r} is already {known.cls.__qualname__}.")
        event_type = EventType(name=name, aggregate=aggregate, cls=cls)
        _types[name] = event_type
        _by_class[cls] = event_type
        return cls

    return register


def subscriber(event_cls: type, *, name: str) -> Callable[[Handler], Handler]:
    """Register ``handler`` for ``event_cls`` under the stable ``name``."""
    event_type = type_of(event_cls)

    def register(handler: Handler) -> Handler:
        known = _subscribers.get(name)
        if known is not None and known.handler.__qualname__ != handler.__qualname__:
            raise EventError(f"A subscriber named {name!r} already exists.")
        _subscribers[name] = Subscriber(name=name, event=event_type.name, handler=handler)
        return handler

    return register


def unsubscribe(name: str) -> None:
    """Forget a subscriber (tests register throwaway ones)."""
    _subscribers.pop(name, None)


def type_of(event_cls: type) -> EventType:
    try:
        return _by_class[event_cls]
    except KeyError:
        raise EventError(f"{event_cls.__name__} is not a registered domain event.") from None


def type_named(name: str) -> EventType:
    try:
        return _types[name]
    except KeyError:
        raise EventError(f"No domain event is named {name!r}.") from None


def subscribers_of(name: str) -> list[Subscriber]:
    return sorted((s for s in _subscribers.values() if s.event == name), key=lambda s: s.name)


def subscriber_named(name: str) -> Subscriber | None:
    return _subscribers.get(name)


def payload_of(event: Any) -> dict[str, Any]:
    return dataclasses.asdict(event)


def event_from(name: str, payload: dict[str, Any]) -> Any:
    """The event object a stored row describes."""
    cls = type_named(name).cls
    try:
        return cls(**payload)
    except TypeError as error:
        raise EventError(
            f"The stored {name} payload does not fit {cls.__name__}: {error}"
        ) from None
