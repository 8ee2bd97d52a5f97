"""The domain events provenance emits (events/, docs/events.md). Provenance is an engine: it
names documents and batches, never what a document is about."""

from __future__ import annotations

from dataclasses import dataclass

from events.registry import domain_event


@domain_event("document.revoked", aggregate="document")
@dataclass(frozen=True)
class DocumentRevoked:
    """A revocation notice was registered: ``notice_id`` (a Document) revokes another one."""

    notice_id: int
    revoked_root: str

    @property
    def aggregate_id(self) -> str:
        return self.revoked_root


@domain_event("batch.state_changed", aggregate="batch")
@dataclass(frozen=True)
class BatchStateChanged:
    """A batch moved along sealed → signed → broadcast → included → confirmed (or reorged,
    abandoned). ``confirmed`` is sent again when a reorg re-anchors it and it settles anew."""

    batch_id: int
    state: str
    previous_state: str

    @property
    def aggregate_id(self) -> str:
        return str(self.batch_id)


@domain_event("deployment.retired", aggregate="deployment")
@dataclass(frozen=True)
class DeploymentRetired:
    """A contract is gone or outdated; its documents are anchored again elsewhere."""

    deployment_id: int

    @property
    def aggregate_id(self) -> str:
        return str(self.deployment_id)
