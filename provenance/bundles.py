"""Proof bundles: one JSON file that lets anyone check a document without trusting us.

A bundle holds the disclosed fields (all of them, or the owner's choice) with their salts and
field proofs, the document root and the platform's signature over it, and, once anchored,
the batch proof and where the batch is on chain. `bundle_check` verifies it offline (no
database, no settings, no network); `bundle_check_chain` adds the on-chain facts through any
JSON-RPC endpoint: that the batch is anchored in the named contract, when, in which block,
and that the document has not been revoked.

Every check is a `Step` with a plain-language line, so the CLI, the JSON API and the page say
the same things, and a failure says what failed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from eth_utils import decode_hex, encode_hex

from provenance.canonical import utc_timestamp
from provenance.commitments import (
    IDENTITY_FIELDS,
    CommitmentError,
    batch_leaf,
    document_rebuild,
    field_leaf,
)
from provenance.merkle import MAX_PROOF_LENGTH, process_proof
from provenance.signing import SigningError, root_signer_recover

BUNDLE_FORMAT = "authplatform.proof-bundle/1"
SIGNATURE_SCHEME = "EIP-191 personal_sign (secp256k1) over the 32-byte document root"


@dataclass
class Step:
    name: str
    ok: bool
    detail: str


@dataclass
class Verification:
    steps: list[Step] = field(default_factory=list)
    document: dict[str, Any] = field(default_factory=dict)
    signer: str = ""
    anchored: bool = False
    revoked: bool = False

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps) and not self.revoked

    def add(self, name: str, ok: bool, detail: str) -> bool:
        self.steps.append(Step(name, ok, detail))
        return ok

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "anchored": self.anchored,
            "revoked": self.revoked,
            "signer": self.signer,
            "document": self.document,
            "steps": [asdict(step) for step in self.steps],
        }


def _bytes(value: Any, size: int, what: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("0x"):
        raise ValueError(f"{what} is not 0x-hex")
    raw = decode_hex(value)
    if len(raw) != size:
        raise ValueError(f"{what} is {len(raw)} bytes, not {size}")
    return raw


def _proof(value: Any, what: str) -> list[bytes]:
    if not isinstance(value, list) or len(value) > MAX_PROOF_LENGTH:
        raise ValueError(f"{what} is not a list of at most {MAX_PROOF_LENGTH} hashes")
    return [_bytes(node, 32, what) for node in value]


# --- building -----------------------------------------------------------------------------


def bundle_build(
    *,
    fields: Sequence[Mapping[str, Any]],
    document_root: str,
    signer: str,
    signature: str,
    anchor: Mapping[str, Any] | None,
    expected_by: str | None = None,
) -> dict[str, Any]:
    """Assemble a bundle from parts (provenance.selectors builds them from the database)."""
    identity = {row["key"]: row["value"] for row in fields if row["key"] in IDENTITY_FIELDS}
    return {
        "format": BUNDLE_FORMAT,
        "document": identity,
        "fields": [dict(row) for row in fields],
        "document_root": document_root,
        "signature": {"scheme": SIGNATURE_SCHEME, "signer": signer, "signature": signature},
        "anchor": dict(anchor) if anchor else None,
        "status": "anchored" if anchor else "pending",
        "expected_by": None if anchor else expected_by,
    }


# --- offline checks -----------------------------------------------------------------------


def bundle_check(bundle: Any, *, trusted_signers: Sequence[str] = ()) -> Verification:
    """Everything that can be checked without a node. Never raises for a bad bundle."""
    result = Verification()
    if not isinstance(bundle, Mapping) or bundle.get("format") != BUNDLE_FORMAT:
        result.add("format", False, f"This is not a proof bundle ({BUNDLE_FORMAT}).")
        return result
    try:
        root = _bytes(bundle.get("document_root"), 32, "document_root")
    except ValueError as error:
        result.add("format", False, f"The bundle is malformed: {error}.")
        return result
    _check_fields(bundle, root, result)
    _check_signature(bundle, root, result, trusted_signers)
    _check_batch(bundle, root, result)
    return result


def _check_fields(bundle: Mapping[str, Any], root: bytes, result: Verification) -> None:
    rows = bundle.get("fields")
    if not isinstance(rows, list) or not rows:
        result.add("fields", False, "The bundle discloses no fields.")
        return
    disclosed: dict[str, Any] = {}
    for row in rows:
        key = row.get("key") if isinstance(row, Mapping) else None
        try:
            if not isinstance(key, str):
                raise ValueError("a field has no key")
            salt = _bytes(row.get("salt"), 16, f"the salt of {key}")
            leaf = field_leaf(key, salt, row.get("value"))
            proof = _proof(row.get("proof"), f"the proof of {key}")
        except (ValueError, CommitmentError) as error:
            result.add("fields", False, f"The bundle is malformed: {error}.")
            return
        if process_proof(leaf, proof) != root:
            result.add(
                "fields",
                False,
                f"Field “{key}” does not match the document root: its value, salt or proof "
                "has been changed.",
            )
            return
        disclosed[key] = row.get("value")
    missing = [name for name in IDENTITY_FIELDS if name not in disclosed]
    if missing:
        result.add("fields", False, f"The bundle hides {', '.join(missing)}, which must show.")
        return
    identity = bundle.get("document") or {}
    if any(identity.get(name) != disclosed[name] for name in IDENTITY_FIELDS):
        result.add("fields", False, "The bundle's document type or id differs from its fields.")
        return
    try:
        result.document = document_rebuild(disclosed)
    except CommitmentError as error:
        result.add("fields", False, f"The disclosed fields don't fit together: {error}")
        return
    result.add(
        "fields",
        True,
        f"{len(disclosed)} disclosed field(s) belong to document root {encode_hex(root)}.",
    )


def _check_signature(
    bundle: Mapping[str, Any], root: bytes, result: Verification, trusted: Sequence[str]
) -> None:
    signature = bundle.get("signature") or {}
    claimed = signature.get("signer") if isinstance(signature, Mapping) else None
    try:
        signer = root_signer_recover(root=root, signature=signature.get("signature"))
    except (SigningError, AttributeError) as error:
        result.add("signature", False, f"The platform's signature cannot be read: {error}")
        return
    result.signer = signer
    if claimed and str(claimed).lower() != signer.lower():
        result.add("signature", False, f"Signed by {signer}, not by {claimed} as the bundle says.")
        return
    if trusted and signer.lower() not in {t.lower() for t in trusted}:
        result.add("signature", False, f"Signed by {signer}, which is not a trusted signer.")
        return
    result.add("signature", True, f"The document root is signed by {signer}.")


def _check_batch(bundle: Mapping[str, Any], root: bytes, result: Verification) -> None:
    anchor = bundle.get("anchor")
    if not anchor:
        expected = bundle.get("expected_by")
        result.add(
            "batch",
            True,
            "Pending anchor"
            + (f", expected by {expected}" if expected else "")
            + ": fetch the bundle again later for its completed form.",
        )
        return
    try:
        batch_root = _bytes(anchor.get("batch_root"), 32, "batch_root")
        proof = _proof(anchor.get("batch_proof"), "batch_proof")
    except (ValueError, AttributeError) as error:
        result.add("batch", False, f"The anchor part is malformed: {error}.")
        return
    if process_proof(batch_leaf(root), proof) != batch_root:
        result.add(
            "batch",
            False,
            f"The document is not in batch {anchor.get('seq')}: the batch proof leads elsewhere "
            "(a proof from another batch?).",
        )
        return
    result.add(
        "batch", True, f"The document is in batch {anchor.get('seq')} ({encode_hex(batch_root)})."
    )


# --- on-chain checks ----------------------------------------------------------------------


def bundle_check_chain(bundle: Any, *, w3: Any, result: Verification | None = None) -> Verification:
    """``bundle_check`` plus what the chain says, through ``w3`` (any JSON-RPC endpoint)."""
    from eth_utils import to_checksum_address
    from web3.exceptions import Web3Exception

    from provenance.contracts import artifact_load

    result = result or bundle_check(bundle)
    if not result.ok:
        return result
    anchor = bundle.get("anchor")
    if not anchor:
        return result
    try:
        chain_id = w3.eth.chain_id
        if chain_id != anchor.get("chain_id"):
            result.add("chain", False, f"The node is on chain {chain_id}; the bundle names chain "
                       f"{anchor.get('chain_id')}.")  # fmt: skip
            return result
        address = to_checksum_address(anchor.get("contract"))
        if not w3.eth.get_code(address):
            result.add("contract", False, f"There is no contract at {address} on chain {chain_id}.")
            return result
        contract = w3.eth.contract(address=address, abi=artifact_load()["abi"])
        batch_root = _bytes(anchor.get("batch_root"), 32, "batch_root")
        seq, timestamp, block_number = contract.functions.anchor_of(batch_root).call()
        if seq == 0:
            result.add("anchor", False, f"Batch root {encode_hex(batch_root)} is not anchored in "
                       f"contract {address} (a wrong contract, or not yet anchored).")  # fmt: skip
            return result
        if seq != anchor.get("seq"):
            result.add("anchor", False, f"The contract has this batch as number {seq}, the "
                       f"bundle says {anchor.get('seq')}.")  # fmt: skip
            return result
        when = utc_timestamp(datetime.fromtimestamp(timestamp, tz=UTC))
        result.anchored = True
        result.add("anchor", True, f"Anchored on chain {chain_id} in block {block_number} at "
                   f"{when}, batch {seq}, contract {address}.")  # fmt: skip
        root = _bytes(bundle.get("document_root"), 32, "document_root")
        revoked_at = contract.functions.revoked_at(root).call()
        if revoked_at:
            result.revoked = True
            since = utc_timestamp(datetime.fromtimestamp(revoked_at, tz=UTC))
            result.add("revocation", True, f"REVOKED on chain at {since}.")
        else:
            result.add("revocation", True, "Not revoked.")
    except (OSError, ValueError, Web3Exception) as error:
        result.add("chain", False, f"The node could not be asked: {type(error).__name__}: {error}")
    return result
