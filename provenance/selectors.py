"""Reading provenance: documents by id, their proof bundles, the issuer metadata, and the
revocation notices the public feed lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from eth_utils import decode_hex

from provenance import commitments
from provenance.bundles import BUNDLE_FORMAT, BUNDLE_SPEC, bundle_build, revocation_code
from provenance.canonical import utc_timestamp
from provenance.commitments import document_commit
from provenance.issuer import ISSUER_FORMAT
from provenance.models import AnchorTransaction, Batch, Deployment, Document, SigningKey
from provenance.signing import signer_get, trusted_signers


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
    batch_ids = {d.batch_id for d in documents if d.batch_id is not None and _confirmed(d)}
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


def document_public_fields(document: Document) -> list[str]:
    """The leaf keys anyone may see: all but the document's private ones."""
    private = set(document.private_fields)
    return [key for key in document_fields(document) if key not in private]


def bundle_for(document: Document, *, keys: Sequence[str] | None = None) -> dict[str, Any]:
    """The document's proof bundle: its public fields, or only ``keys`` (plus type and id).

    Pages, public JSON and the API take the default; only the owner's own choice of ``keys``
    may name a private field.
    """
    anchor = anchor_of(document)
    if keys is None:
        keys = document_public_fields(document)
    return bundle_build(
        fields=_commitment(document).disclose(keys),
        document_root=document.root,
        signer=document.signer,
        signature=document.signature,
        anchor=anchor,
        expected_by=None if anchor else anchor_expected_by(document),
        revocation=_revocation_bundle(document),
    )


def _revocation_bundle(document: Document) -> dict[str, Any] | None:
    """The bundle of the anchored document that revokes this one: the issuer's signed word,
    carried in the revoked document's own bundle so an offline verifier learns why."""
    if document.doc_type == commitments.REVOCATION_TYPE:
        return None  # a revocation is never revoked
    revocation = (
        Document.objects.select_related("batch__deployment")
        .filter(revokes=document.root, batch__state=Batch.State.CONFIRMED)
        .first()
    )
    return bundle_for(revocation) if revocation is not None else None


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


def issuer_metadata() -> dict[str, Any]:
    """What /.well-known/authplatform-issuer.json publishes for verifiers to pin: who we are,
    the report-signing keys we accept with their validity windows (oldest first: the rotation
    history), our AnchorLog contract on each chain, and the bundle format."""
    current = signer_get().address
    trusted = trusted_signers()
    rows = {key.address: key for key in SigningKey.objects.filter(address__in=trusted)}
    keys = []
    for address in trusted:
        row = rows.get(address)
        valid_from = row.valid_from if row is not None else None
        retired_at = row.retired_at if row is not None else None
        if retired_at is not None:
            status = "retired"
        else:
            # A key that no longer signs is "retiring" until its last documents are anchored.
            status = "current" if address == current else "retiring"
        keys.append(
            {
                "address": address,
                "status": status,
                "valid_from": utc_timestamp(valid_from) if valid_from else None,
                "retired_at": utc_timestamp(retired_at) if retired_at else None,
            }
        )
    keys.sort(key=lambda key: (key["valid_from"] or "", key["status"] == "current"))
    deployments = Deployment.objects.filter(retired_at__isnull=True).order_by("chain_id")
    return {
        "format": ISSUER_FORMAT,
        "name": settings.ISSUER_NAME,
        "url": settings.SITE_URL,
        "signing_keys": keys,
        "contracts": [
            {
                "chain_id": deployment.chain_id,
                "address": deployment.address,
                "deployed_in_block": deployment.block_number,
            }
            for deployment in deployments
        ],
        "bundle": {"format": BUNDLE_FORMAT, "spec": BUNDLE_SPEC},
        # Where every revocation is listed, signed by one of the keys above.
        "revocations": {
            "json": _absolute(reverse("provenance:revocations")),
            "atom": _absolute(reverse("provenance:revocations-atom")),
            "spec": "docs/provenance.md#revocation-feed",
        },
    }


def document_successor(document: Document) -> Document | None:
    """The document that replaces ``document``: the one its revocation notice names as
    ``superseded_by`` (of the same type), as soon as the notice is registered."""
    # By the notice's id (indexed), which document_revoke derives from the revoked one's.
    notice = Document.objects.filter(
        doc_type=commitments.REVOCATION_TYPE, doc_id=f"{document.doc_type}:{document.doc_id}"
    ).first()
    superseded_by = notice.body.get("superseded_by") if notice is not None else None
    if not isinstance(superseded_by, str) or not superseded_by:
        return None
    return Document.objects.filter(doc_type=document.doc_type, doc_id=superseded_by).first()


def _revocation_notices() -> Any:
    return Document.objects.filter(doc_type=commitments.REVOCATION_TYPE).select_related(
        "batch__deployment"
    )


def revocations_after(*, after: Any, limit: int) -> list[Document]:
    """Up to ``limit`` revocation notices registered after the notice ``after`` (None: from
    the first), oldest first. Notices are registered one at a time, each holding a lock to the
    end of its transaction (``documents.document_revoke``), so their ids follow commit order
    and a reader's cursor never skips one. ValueError if ``after`` names no notice."""
    notices = _revocation_notices()
    if after is not None:
        try:
            cursor = Document.objects.filter(
                doc_type=commitments.REVOCATION_TYPE, uid=after
            ).values_list("pk", flat=True)
            position = cursor.first()
        except ValidationError as error:
            raise ValueError(f"{after!r} is not a cursor of this feed") from error
        if position is None:
            raise ValueError(f"{after!r} is not a cursor of this feed")
        notices = notices.filter(pk__gt=position)
    return list(notices.order_by("pk")[:limit])


def revocations_latest(*, limit: int) -> list[Document]:
    """The ``limit`` newest revocation notices, newest first."""
    return list(_revocation_notices().order_by("-pk")[:limit])


def _verify_ref(document: Document | None, doc_type: str | None, doc_id: Any) -> dict[str, Any]:
    uid = str(document.uid) if document is not None else None
    return {
        "type": doc_type,
        "id": doc_id,
        "verify_id": uid,
        "verify_url": _absolute(reverse("provenance:verify-page", args=[uid])) if uid else None,
    }


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def revocation_entries(notices: Sequence[Document]) -> list[dict[str, Any]]:
    """What the public revocation feed says of each notice: ids, time, reason code, successor
    and anchor, and nothing from the documents' bodies (no serial, name or price can show).
    Two queries for any number of notices."""
    wanted = Q(root__in=[notice.revokes for notice in notices])
    for notice in notices:
        successor_id = notice.body.get("superseded_by")
        if isinstance(successor_id, str) and successor_id:
            # The successor is of the revoked document's type: the (type, id) index finds it.
            wanted |= Q(
                doc_type=(notice.body.get("revokes") or {}).get("type"), doc_id=successor_id
            )
    related = Document.objects.filter(wanted).only("uid", "doc_type", "doc_id", "root")
    by_root = {document.root: document for document in related}
    # Looked up by a notice's own reference, whose type may be missing.
    by_id: dict[tuple[str | None, str], Document] = {
        (document.doc_type, document.doc_id): document for document in by_root.values()
    }
    tx_hashes = _included_tx_hashes(notices)
    entries = []
    for notice in notices:
        revokes: dict[str, Any] = notice.body.get("revokes") or {}
        superseded_by = notice.body.get("superseded_by")
        doc_type = revokes.get("type")
        anchor = anchor_of(notice, tx_hashes=tx_hashes)
        entries.append(
            {
                "id": str(notice.uid),
                "revoked": {
                    **_verify_ref(by_root.get(notice.revokes), doc_type, revokes.get("id")),
                    "root": notice.revokes,
                },
                "revoked_at": utc_timestamp(notice.created_at),
                "reason_code": revocation_code(superseded_by),
                "successor": _verify_ref(by_id.get((doc_type, superseded_by)), doc_type,
                                         superseded_by) if superseded_by else None,
                "notice": {
                    "root": notice.root,
                    "verify_url": _absolute(reverse("provenance:verify-page", args=[notice.uid])),
                },
                "anchor": None if anchor is None else {
                    key: anchor[key] for key in (
                        "chain_id", "contract", "seq", "tx_hash", "block_number", "anchored_at"
                    )
                },
            }
        )  # fmt: skip
    return entries
