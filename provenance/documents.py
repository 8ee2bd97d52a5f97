"""Registering documents for anchoring, and revoking them.

`document_register` commits to a document field by field (provenance.commitments), signs the
root with the platform's key and stores it; the anchoring writer (provenance.anchoring) picks
it up in the next batch. Callers register inside their own transaction, so a report and its
provenance record are saved together or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from eth_utils import encode_hex

from events.services import event_emit
from provenance.canonical import canonical_json
from provenance.commitments import (
    IDENTITY_FIELDS,
    REVOCATION_TYPE,
    CommitmentError,
    document_commit,
    salts_new,
)
from provenance.events import DocumentRevoked
from provenance.models import Document
from provenance.signing import signer_get

# The transaction-level advisory lock that registers revocations one at a time ("revoke").
REVOKE_LOCK = int.from_bytes(b"revoke", "big")


def document_register(
    *, body: Mapping[str, Any], revokes: str = "", private: Sequence[str] = ()
) -> Document:
    """Store ``body`` (with its ``type`` and ``id``) for anchoring; idempotent per type and id.

    Registering the same document again returns the stored one. A different body under the
    same type and id is refused: an anchored document never changes; a correction is a new
    document that revokes the old one.

    ``private`` names leaf keys that are committed to like any other but left out of the
    default disclosure (``provenance.selectors.bundle_for``): the owner may reveal them later
    in a bundle of their choice.
    """
    try:
        # Checks the type, id and field names, and that every value is canonical JSON.
        salts = salts_new(body)
        commitment = document_commit(body, salts)
    except CommitmentError as error:
        raise ValidationError(f"This document can't be anchored: {error}") from error
    hidden = sorted(set(private))
    if set(hidden) & set(IDENTITY_FIELDS) or not set(hidden) <= set(salts):
        raise ValidationError(f"Private fields must be leaves other than type and id: {hidden}")
    doc_type, doc_id = body["type"], body["id"]
    existing = Document.objects.filter(doc_type=doc_type, doc_id=doc_id).first()
    if existing is not None:
        return _same_or_refuse(existing, body)
    signer = signer_get()
    try:
        with transaction.atomic():
            return Document.objects.create(
                doc_type=doc_type,
                doc_id=doc_id,
                body=dict(body),
                salts={key: encode_hex(salt) for key, salt in salts.items()},
                root=encode_hex(commitment.root),
                signer=signer.address,
                signature=signer.sign_root(commitment.root),
                revokes=revokes,
                private_fields=hidden,
            )
    except IntegrityError:
        # Registered concurrently by someone else.
        return _same_or_refuse(Document.objects.get(doc_type=doc_type, doc_id=doc_id), body)


def _same_or_refuse(existing: Document, body: Mapping[str, Any]) -> Document:
    if canonical_json(existing.body) != canonical_json(body):
        raise ValidationError(
            f"{existing.doc_type} {existing.doc_id} is already registered with other contents; "
            "an anchored document never changes."
        )
    return existing


def document_revoke(
    *, document: Document, reason: str, superseded_by: str | None = None
) -> Document:
    """Register the revocation of ``document``: anchored like any document, and its batch
    marks the revoked root on chain, where every verifier looks."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the document is revoked."})
    if document.doc_type == REVOCATION_TYPE:
        raise ValidationError("A revocation can't itself be revoked.")
    body = {
        "type": REVOCATION_TYPE,
        "id": f"{document.doc_type}:{document.doc_id}",
        "revokes": {"type": document.doc_type, "id": document.doc_id, "root": document.root},
        "reason": reason[:500],
        "superseded_by": superseded_by,
    }
    with transaction.atomic():
        # Held to the end of the caller's transaction: notices get their ids in commit order,
        # so the revocation feed's cursor (docs/provenance.md) never skips one committed late.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REVOKE_LOCK])
        known = Document.objects.filter(doc_type=REVOCATION_TYPE, doc_id=body["id"]).exists()
        revocation = document_register(body=body, revokes=document.root)
        if not known:
            event_emit(DocumentRevoked(notice_id=revocation.pk, revoked_root=document.root))
    return revocation
