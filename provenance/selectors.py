"""Reading provenance: documents by id, and their proof bundles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import Http404
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


def anchor_of(document: Document) -> dict[str, Any] | None:
    """Where the document is anchored, once its batch is confirmed; None until then."""
    batch = document.batch
    if batch is None or batch.state != Batch.State.CONFIRMED:
        return None
    tx = batch.transactions.filter(state=AnchorTransaction.State.INCLUDED).first()
    return {
        "chain_id": batch.deployment.chain_id,
        "contract": batch.deployment.address,
        "seq": batch.seq,
        "batch_root": batch.root,
        "batch_size": batch.size,
        "leaf_index": document.leaf_index,
        "batch_proof": document.batch_proof,
        "tx_hash": tx.tx_hash if tx else None,
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


def document_status(document: Document) -> dict[str, Any]:
    """What a page says about a document's anchor, from our records (the verification page
    then checks it against the chain itself)."""
    from django.urls import reverse

    anchor = anchor_of(document)
    revocation = (
        Document.objects.select_related("batch")
        .filter(revokes=document.root, batch__state=Batch.State.CONFIRMED)
        .first()
    )
    return {
        "uid": document.uid,
        "root": document.root,
        "status": "anchored" if anchor else "pending",
        "anchor": anchor,
        "expected_by": None if anchor else anchor_expected_by(document),
        "revoked": revocation is not None,
        "verify_url": reverse("provenance:verify-page", args=[document.uid]),
    }
