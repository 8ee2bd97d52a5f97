"""A per-process hold on values for a second or so: it spares a shared-cache round trip on
hot paths (API keys, verify answers). What a process changes itself it drops at once; a change
made by another process is seen here once the hold runs out."""

from __future__ import annotations

import time
from typing import Generic, TypeVar

V = TypeVar("V")


class Hold(Generic[V]):
    def __init__(self, seconds: float, max_entries: int = 10_000) -> None:
        self.seconds, self.max_entries = seconds, max_entries
        self._values: dict[str, tuple[float, V]] = {}

    def get(self, key: str) -> V | None:
        held = self._values.get(key)
        if held is None or time.monotonic() - held[0] >= self.seconds:
            return None
        return held[1]

    def put(self, key: str, value: V) -> None:
        if len(self._values) >= self.max_entries:
            self._values.clear()  # a bound, not an eviction policy: the next reads refill it
        self._values[key] = (time.monotonic(), value)

    def forget(self, key: str) -> None:
        self._values.pop(key, None)

    def clear(self) -> None:
        self._values.clear()
