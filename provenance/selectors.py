"""Reading provenance: documents by id, and their proof bundles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from eth_utils import decode_hex

from provenance import commitments
from provenance.bundles import bundle_build
from provenance.canonical import utc_timestamp
from provenance.commitments import document_commit
from provenance.models import AnchorTransaction, Batch, Document


def document_get_by_uid(uid: Any) -> Document:
    """A document by its public uid (404 if none); the uid is what /verify/<uid> names."""
    try:
        return Document.objects.select_related("batch__deployment").get(uid=uid)
    except (Document.DoesNotExist, ValueError) as error:
        raise Http404("No such document.") from error


def document_for(*, doc_type: str, doc_id: str) -> Document | None:
    return (
        Document.objects.select_related("batch__deployment")
        .filter(doc_type=doc_type, doc_id=doc_id)
        .first()
    )


def document_by_root(root: str) -> Document | None:
    return Document.objects.select_related("batch__deployment").filter(root=root).first()


def document_fields(document: Document) -> list[str]:
    """The leaf keys of a document, in order: what an owner may choose to disclose."""
    return sorted(commitments.document_fields(document.body))


def _commitment(document: Document) -> Any:
    salts = {key: decode_hex(value) for key, value in document.salts.items()}
    return document_commit(document.body, salts)


def anchor_expected_by(document: Document) -> str:
    """When a pending document should be anchored: its batch's deadline plus a tick."""
    due = document.created_at + timedelta(
        seconds=settings.ANCHOR_BATCH_MAX_WAIT_SECONDS + 2 * settings.ANCHOR_TICK_SECONDS
    )
    return utc_timestamp(due)


def _confirmed(document: Document) -> bool:
    return document.batch is not None and document.batch.state == Batch.State.CONFIRMED


def _included_tx_hashes(documents: Sequence[Document]) -> dict[int, str]:
    """Batch id -> the hash of the transaction that anchored it (one query, or none)."""
    batch_ids = {d.batch_id for d in documents if _confirmed(d)}
    if not batch_ids:
        return {}
    return dict(
        AnchorTransaction.objects.filter(
            batch_id__in=batch_ids, state=AnchorTransaction.State.INCLUDED
        ).values_list("batch_id", "tx_hash")
    )


def anchor_of(
    document: Document, *, tx_hashes: dict[int, str] | None = None
) -> dict[str, Any] | None:
    """Where the document is anchored, once its batch is confirmed; None until then."""
    batch = document.batch
    if batch is None or batch.state != Batch.State.CONFIRMED:
        return None
    if tx_hashes is None:
        tx_hashes = _included_tx_hashes([document])
    return {
        "chain_id": batch.deployment.chain_id,
        "contract": batch.deployment.address,
        "seq": batch.seq,
        "batch_root": batch.root,
        "batch_size": batch.size,
        "leaf_index": document.leaf_index,
        "batch_proof": document.batch_proof,
        "tx_hash": tx_hashes.get(batch.pk),
        "block_number": batch.block_number,
        "block_hash": batch.block_hash,
        "anchored_at": utc_timestamp(batch.anchored_at) if batch.anchored_at else None,
    }


def bundle_for(document: Document, *, keys: Sequence[str] | None = None) -> dict[str, Any]:
    """The document's proof bundle: every field, or only ``keys`` (plus type and id)."""
    anchor = anchor_of(document)
    return bundle_build(
        fields=_commitment(document).disclose(keys),
        document_root=document.root,
        signer=document.signer,
        signature=document.signature,
        anchor=anchor,
        expected_by=None if anchor else anchor_expected_by(document),
    )


def document_statuses(documents: Sequence[Document]) -> dict[int, dict[str, Any]]:
    """What a page says about each document's anchor, from our records (the verification
    page then checks it against the chain itself): two queries for any number of them."""
    tx_hashes = _included_tx_hashes(documents)
    revoked = set(
        Document.objects.filter(
            revokes__in=[d.root for d in documents], batch__state=Batch.State.CONFIRMED
        ).values_list("revokes", flat=True)
    )
    statuses = {}
    for document in documents:
        anchor = anchor_of(document, tx_hashes=tx_hashes)
        statuses[document.pk] = {
            "uid": document.uid,
            "root": document.root,
            "status": "anchored" if anchor else "pending",
            "anchor": anchor,
            "expected_by": None if anchor else anchor_expected_by(document),
            "revoked": document.root in revoked,
            "verify_url": reverse("provenance:verify-page", args=[document.uid]),
        }
    return statuses


def document_status(document: Document) -> dict[str, Any]:
    return document_statuses([document])[document.pk]
