"""The tamper corpus: real bundles from a real chain, each changed in one way, with the outcome
and the first failing check every verifier must come to.

`corpus_build` registers and anchors reports on the test's ganache through the platform's own
code (a key rotation, a correction that revokes a report, a foreign AnchorLog included), then
derives the cases. `test_both_verifiers_agree_on_the_tamper_corpus` runs the Python and the
Node reference verifiers on each, and `bench/verifiers.py` may reuse it.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from web3 import Web3

from provenance.bundles import bundle_build
from provenance.canonical import utc_parse, utc_timestamp
from provenance.commitments import document_commit, salts_new
from provenance.documents import document_register, document_revoke
from provenance.models import Document
from provenance.selectors import bundle_for, issuer_metadata
from provenance.signing import signer_from_key
from provenance.tests.conftest import reanchor_in_a_foreign_anchorlog, settle

# Which pins a case runs with: the issuer's metadata file, the contract address alone, none.
ISSUER, CONTRACT, NONE = "issuer", "contract", "none"


@dataclass
class Case:
    name: str
    bundle: Any
    outcome: str
    # The first check that fails (None when none does).
    failed: str | None = None
    pins: str = ISSUER
    # False: offline, no --rpc.
    online: bool = True


@dataclass
class Corpus:
    cases: list[Case] = field(default_factory=list)
    issuer: dict[str, Any] = field(default_factory=dict)
    contract: str = ""


def _body(n: int) -> dict[str, Any]:
    return {
        "type": "report",
        "id": f"corpus-{n}",
        "verdict": {"result": "authentic", "signed_by": "Expert 7"},
        "item": {"category": "Handbag", "brand": "Chanel", "model": "Classic Flap"},
        "issued_at": "2026-12-05T10:00:00Z",
        "photos": [{"slot": "front", "sha256": f"{n:064x}"}],
        "findings": ["stitching", "heat stamp"],
        "reviews": n,
    }


def _document(n: int) -> Document:
    return document_register(body=_body(n))


def _fresh(document: Document) -> dict[str, Any]:
    return bundle_for(Document.objects.get(pk=document.pk))


def signed_not_anchored(key: str, n: int) -> dict[str, Any]:
    """A new document signed with ``key`` and never anchored (a stolen key's forgery)."""
    body = _body(n)
    signer = signer_from_key(key)
    commitment = document_commit(body, salts_new(body))
    return bundle_build(
        fields=commitment.disclose(),
        document_root=Web3.to_hex(commitment.root),
        signer=signer.address,
        signature=signer.sign_root(commitment.root),
        anchor=None,
    )


def _changed(bundle: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    tampered = copy.deepcopy(bundle)
    change(tampered)
    return tampered


def _row(bundle: dict[str, Any], key: str) -> dict[str, Any]:
    return next(row for row in bundle["fields"] if row["key"] == key)


def _flip(hex_text: str, at: int = -1) -> str:
    digits = list(hex_text)
    digits[at] = "1" if digits[at] != "1" else "2"
    return "".join(digits)


def corpus_build(w3: Any, settings: Any) -> Corpus:
    """Anchor the corpus's reports on ``w3``'s chain and derive every case."""
    old_key = settings.REPORT_SIGNING_KEY
    mine, other, replaced = _document(1), _document(2), _document(3)
    settle(w3)
    later = _document(4)  # a second batch, for a proof from another batch
    settle(w3)
    before_revocation = _fresh(replaced)
    successor = _document(5)
    document_revoke(document=replaced, reason="The model was misread.", superseded_by="corpus-5")
    settle(w3)
    # A key rotation: the old key keeps its reports, signs nothing new.
    settings.REPORT_SIGNING_KEY = secrets.token_hex(32)
    settings.REPORT_SIGNING_TRUSTED_SIGNERS = [signer_from_key(old_key).address]
    rotated = _document(6)
    settle(w3)

    good = _fresh(mine)  # signed by the old key, before the rotation
    theirs = _fresh(other)
    somebody = signer_from_key(secrets.token_hex(32)).address
    in_later_batch = _fresh(later)
    corpus = Corpus(issuer=issuer_metadata(), contract=good["anchor"]["contract"])
    add = corpus.cases.append

    add(Case("untouched", good, "valid"))
    add(Case("untouched, contract pinned alone", good, "valid", pins=CONTRACT))
    add(Case("untouched, nothing pinned", good, "valid", pins=NONE))
    add(Case("untouched, offline", good, "unchecked", online=False))
    add(Case("signed by the new key after a rotation", _fresh(rotated), "valid"))
    add(Case("a successor", _fresh(successor), "valid"))

    # The fields.
    def value(b: dict[str, Any]) -> None:
        _row(b, "verdict.result")["value"] = "counterfeit"

    def salt(b: dict[str, Any]) -> None:
        _row(b, "item.brand")["salt"] = _row(b, "item.model")["salt"]

    def order(b: dict[str, Any]) -> None:
        _row(b, "item.brand")["proof"].reverse()

    def another_reports_proof(b: dict[str, Any]) -> None:
        _row(b, "item.brand")["proof"] = _row(theirs, "item.brand")["proof"]

    def another_reports_field(b: dict[str, Any]) -> None:
        b["fields"][b["fields"].index(_row(b, "reviews"))] = _row(theirs, "reviews")

    def identity_hidden(b: dict[str, Any]) -> None:
        b["fields"].remove(_row(b, "type"))

    for name, change in [
        ("a field's value", value),
        ("a field's salt", salt),
        ("a proof's order", order),
        ("another report's proof", another_reports_proof),
        ("another report's field", another_reports_field),
        ("the type field hidden", identity_hidden),
    ]:
        add(Case(name, _changed(good, change), "invalid", "fields"))
        add(Case(f"{name}, offline", _changed(good, change), "invalid", "fields", online=False))
    add(
        Case("not a bundle", {**good, "format": "authplatform.proof-bundle/0"}, "invalid", "format")
    )

    # The signature.
    def signature(b: dict[str, Any]) -> None:
        b["signature"]["signature"] = _flip(b["signature"]["signature"], at=10)

    def claimed_signer(b: dict[str, Any]) -> None:
        b["signature"]["signer"] = somebody

    add(Case("a flipped signature", _changed(good, signature), "invalid", "signature"))
    add(Case("another claimed signer", _changed(good, claimed_signer), "invalid", "signature"))
    stolen = signed_not_anchored(old_key, 7)
    add(Case("a retired key signs a new document", stolen, "invalid", "signature"))
    add(Case("a retired key signs, contract pinned", stolen, "invalid", "signer", pins=CONTRACT))
    stranger = signed_not_anchored(secrets.token_hex(32), 8)
    add(Case("a stranger's key", stranger, "invalid", "signature"))
    add(Case("a stranger's key, contract pinned", stranger, "invalid", "signer", pins=CONTRACT))

    # The anchor, field by field.
    anchor = good["anchor"]
    moved = utc_timestamp(utc_parse(anchor["anchored_at"]) + timedelta(seconds=1))
    for key, changed, failed, pins in [
        ("chain_id", 1, "issuer", ISSUER),
        ("chain_id", 1, "chain", NONE),
        ("contract", somebody, "issuer", ISSUER),
        ("contract", somebody, "contract", NONE),
        ("seq", anchor["seq"] + 1, "anchor", ISSUER),
        ("batch_root", in_later_batch["anchor"]["batch_root"], "batch", ISSUER),
        ("batch_proof", in_later_batch["anchor"]["batch_proof"], "batch", ISSUER),
        ("tx_hash", in_later_batch["anchor"]["tx_hash"], "transaction", ISSUER),
        ("block_number", in_later_batch["anchor"]["block_number"], "anchor", ISSUER),
        ("block_hash", _flip(anchor["block_hash"]), "block", ISSUER),
        # Unpinned: with the issuer's key windows, a moved time may first leave the key's window.
        ("anchored_at", moved, "anchor", NONE),
    ]:
        tampered = _changed(good, lambda b, k=key, v=changed: b["anchor"].update({k: v}))
        add(Case(f"anchor {key}, pins: {pins}", tampered, "invalid", failed, pins=pins))
    current = _fresh(rotated)
    add(Case("anchor removed", {**current, "anchor": None}, "pending"))
    add(Case("anchor removed, contract pinned", {**current, "anchor": None}, "pending",
             pins=CONTRACT))  # fmt: skip
    # By a key retired since: a document without an anchor would be new, which it can't sign.
    add(Case("anchor removed, old key", {**good, "anchor": None}, "invalid", "signature"))
    add(Case("anchor removed, old key, contract pinned", {**good, "anchor": None}, "invalid",
             "signer", pins=CONTRACT))  # fmt: skip

    # Revocation.
    add(Case("revoked, with the issuer's notice", _fresh(replaced), "revoked"))
    add(Case("revoked, the notice offline", _fresh(replaced), "revoked", online=False))
    add(Case("revoked then replayed", before_revocation, "revoked"))
    notice_for_other = _changed(_fresh(replaced), lambda b: b.update(revocation=theirs))
    add(Case("a notice about another document", notice_for_other, "invalid", "notice"))

    # Re-anchored in someone else's AnchorLog, which really holds the batch root (and has
    # authorised our key): only the pinned contract tells it from ours.
    foreign = reanchor_in_a_foreign_anchorlog(w3, current)
    add(Case("re-anchored in a foreign contract", foreign, "invalid", "issuer"))
    revoked_elsewhere = reanchor_in_a_foreign_anchorlog(w3, before_revocation)
    add(Case("revoked, re-anchored in a foreign contract, contract pinned", revoked_elsewhere,
             "invalid", "issuer", pins=CONTRACT))  # fmt: skip
    return corpus
