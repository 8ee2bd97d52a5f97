"""The domain events disputes emits (events/, docs/events.md), in the transaction of the change
each describes. passports and webhooks subscribe in their own ``subscribers.py``."""

from __future__ import annotations

from dataclasses import dataclass

from events.registry import domain_event


@domain_event("dispute.state_changed", aggregate="dispute")
@dataclass(frozen=True)
class DisputeStateChanged:
    """A dispute was opened (``previous_state`` None) or moved on; ``outcome`` once resolved."""

    dispute_id: int
    state: str
    previous_state: str | None
    outcome: str

    @property
    def aggregate_id(self) -> str:
        return str(self.dispute_id)
