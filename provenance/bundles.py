"""Proof bundles: one JSON file that lets anyone check a document without trusting us.

A bundle holds the disclosed fields (all of them, or the owner's choice) with their salts and
field proofs, the document root and the platform's signature over it, once anchored the batch
proof and where the batch is on chain, and once revoked the issuer's signed revocation notice.
`bundle_check` verifies it offline (no database, no settings, no network); `bundle_check_chain`
holds every anchor field against the chain through any JSON-RPC endpoint: the contract's record
of the batch and of the signing key, the block (number, hash, time), the transaction and its
``Anchored`` log, and whether the document was revoked. An `Issuer` (provenance.issuer) pins
the keys and contract a bundle must name; without one, a bundle is taken at its own word about
who issued it.

Every check is a `Step` with a plain-language line, so the CLI, the JSON API and the page say
the same things, and a failure says what failed. The checks end in one `Outcome`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from eth_utils import decode_hex, encode_hex, is_address, keccak, to_checksum_address

from provenance.canonical import utc_parse, utc_timestamp
from provenance.commitments import (
    IDENTITY_FIELDS,
    REVOCATION_TYPE,
    CommitmentError,
    batch_leaf,
    document_rebuild,
    field_leaf,
)
from provenance.issuer import Issuer
from provenance.merkle import MAX_PROOF_LENGTH, process_proof
from provenance.signing import SigningError, root_signer_recover

BUNDLE_FORMAT = "authplatform.proof-bundle/1"
# Where the format is specified, as the issuer metadata links it.
BUNDLE_SPEC = "docs/bundle-spec.md"
SIGNATURE_SCHEME = "EIP-191 personal_sign (secp256k1) over the 32-byte document root"
ANCHORED_TOPIC = keccak(text="Anchored(uint256,bytes32,bytes32)")


class Outcome(StrEnum):
    """What a verification comes to. The CLI exits with `EXIT_CODES`; the pages word them."""

    VALID = "valid"
    PENDING = "pending"
    REVOKED = "revoked"
    INVALID = "invalid"
    # Nothing failed, but the chain was not asked (offline) or did not answer.
    UNCHECKED = "unchecked"


EXIT_CODES = {
    Outcome.VALID: 0,
    Outcome.INVALID: 1,
    Outcome.PENDING: 3,
    Outcome.REVOKED: 4,
    Outcome.UNCHECKED: 5,
}
# The bundle or the issuer metadata could not be read, or the arguments are wrong (argparse's).
EXIT_USAGE = 2

# How the command line names each outcome, before its reason.
LABELS = {
    Outcome.VALID: "VALID",
    Outcome.PENDING: "PENDING",
    Outcome.REVOKED: "REVOKED",
    Outcome.INVALID: "INVALID",
    Outcome.UNCHECKED: "NOT CHECKED",
}


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
    # The chain confirmed every anchor field.
    anchored: bool = False
    revoked: bool = False
    # What is known of a revocation: code ("superseded" or "withdrawn"), reason, superseded_by
    # (the successor's id), revoked_at (on chain).
    revocation: dict[str, Any] | None = None
    # The bundle has no anchor section.
    pending: bool = False
    # The node did not answer (its failed step is the last one).
    unreachable: bool = False
    # Who issued it was checked against pinned keys or a pinned contract, not taken on trust.
    pinned: bool = False

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps) and not self.revoked

    @property
    def outcome(self) -> Outcome:
        return outcome_of(
            failed=any(not step.ok for step in self.steps),
            unreachable=self.unreachable,
            revoked=self.revoked,
            anchored=self.anchored,
            pending=self.pending,
        )

    @property
    def reason(self) -> str:
        """One sentence for the outcome: what failed, why it is revoked, what is missing."""
        failed = next((step for step in self.steps if not step.ok), None)
        outcome = self.outcome
        if outcome in (Outcome.INVALID, Outcome.UNCHECKED) and failed is not None:
            return failed.detail
        if outcome is Outcome.REVOKED:
            return revocation_sentence(self.revocation or {})
        if outcome is Outcome.UNCHECKED:
            return "Every offline check passed; the anchor was not checked against the chain."
        if outcome is Outcome.PENDING:
            return next(step.detail for step in self.steps if step.name == "batch")
        return "Issued as shown, anchored on chain, not revoked."

    def add(self, name: str, ok: bool, detail: str) -> bool:
        self.steps.append(Step(name, ok, detail))
        return ok

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": str(self.outcome),
            "reason": self.reason,
            "ok": self.ok,
            "anchored": self.anchored,
            "revoked": self.revoked,
            "revocation": self.revocation,
            "pinned": self.pinned,
            "signer": self.signer,
            "document": self.document,
            "steps": [asdict(step) for step in self.steps],
        }


def outcome_of(
    *, failed: bool, unreachable: bool, revoked: bool, anchored: bool, pending: bool
) -> Outcome:
    """The outcome of checks: a failure (other than a node that did not answer) makes it
    INVALID; then a revocation; an anchor the chain did not confirm is UNCHECKED, and no
    anchor at all PENDING, never VALID."""
    if failed and not unreachable:
        return Outcome.INVALID
    if revoked:
        return Outcome.REVOKED
    if failed:
        return Outcome.UNCHECKED
    if pending:
        return Outcome.PENDING
    return Outcome.VALID if anchored else Outcome.UNCHECKED


def revocation_code(superseded_by: Any) -> str:
    """A revocation's reason code: a correction supersedes; anything else withdraws."""
    return "superseded" if superseded_by else "withdrawn"


def revocation_sentence(revocation: Mapping[str, Any]) -> str:
    sentence = "Withdrawn by the issuer"
    if revocation.get("code"):
        sentence += f" ({revocation['code']})"
    if revocation.get("revoked_at"):
        sentence += f", revoked on chain at {revocation['revoked_at']}"
    if revocation.get("superseded_by"):
        sentence += f"; superseded by {revocation['superseded_by']}"
    if revocation.get("reason"):
        return sentence + f"; reason: “{revocation['reason']}”"
    return sentence + "."


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


def _count(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{what} is not a whole number")
    return value


@dataclass(frozen=True)
class _Anchor:
    """The anchor section, read and typed; what the chain is asked to confirm."""

    chain_id: int
    contract: str
    seq: int
    batch_root: bytes
    batch_proof: list[bytes]
    tx_hash: bytes
    block_number: int
    block_hash: bytes
    anchored_at: datetime

    @classmethod
    def read(cls, anchor: Any) -> _Anchor:
        if not isinstance(anchor, Mapping):
            raise ValueError("it is not an object")
        contract = anchor.get("contract")
        if not isinstance(contract, str) or not is_address(contract):
            raise ValueError("contract is not an Ethereum address")
        return cls(
            chain_id=_count(anchor.get("chain_id"), "chain_id"),
            contract=to_checksum_address(contract),
            seq=_count(anchor.get("seq"), "seq"),
            batch_root=_bytes(anchor.get("batch_root"), 32, "batch_root"),
            batch_proof=_proof(anchor.get("batch_proof"), "batch_proof"),
            tx_hash=_bytes(anchor.get("tx_hash"), 32, "tx_hash"),
            block_number=_count(anchor.get("block_number"), "block_number"),
            block_hash=_bytes(anchor.get("block_hash"), 32, "block_hash"),
            anchored_at=utc_parse(anchor.get("anchored_at")),
        )


def _anchor_claimed(bundle: Mapping[str, Any]) -> _Anchor | None:
    try:
        return _Anchor.read(bundle.get("anchor"))
    except ValueError:
        return None


# --- building -----------------------------------------------------------------------------


def bundle_build(
    *,
    fields: Sequence[Mapping[str, Any]],
    document_root: str,
    signer: str,
    signature: str,
    anchor: Mapping[str, Any] | None,
    expected_by: str | None = None,
    revocation: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Assemble a bundle from parts (provenance.selectors builds them from the database).

    ``revocation`` is the full bundle of the anchored document that revokes this one.
    """
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
        "revocation": dict(revocation) if revocation else None,
    }


# --- offline checks -----------------------------------------------------------------------


def bundle_check(
    bundle: Any, *, trusted_signers: Sequence[str] = (), issuer: Issuer | None = None
) -> Verification:
    """Everything that can be checked without a node. Never raises for a bad bundle."""
    return _check_offline(bundle, trusted_signers, issuer, notice_allowed=True)


def _check_offline(
    bundle: Any, trusted: Sequence[str], issuer: Issuer | None, *, notice_allowed: bool
) -> Verification:
    result = Verification()
    if not isinstance(bundle, Mapping) or bundle.get("format") != BUNDLE_FORMAT:
        result.add("format", False, f"This is not a proof bundle ({BUNDLE_FORMAT}).")
        return result
    try:
        root = _bytes(bundle.get("document_root"), 32, "document_root")
    except ValueError as error:
        result.add("format", False, f"The bundle is malformed: {error}.")
        return result
    result.pinned = bool(trusted) or (issuer is not None and issuer.keys is not None)
    _ = (
        _check_fields(bundle, root, result)
        and _check_signature(bundle, root, result, trusted, issuer)
        and _check_batch(bundle, root, result)
        and _check_contract_pin(bundle, result, issuer)
        and _check_notice(bundle, root, result, trusted, issuer, allowed=notice_allowed)
    )
    return result


def _check_fields(bundle: Mapping[str, Any], root: bytes, result: Verification) -> bool:
    rows = bundle.get("fields")
    if not isinstance(rows, list) or not rows:
        return result.add("fields", False, "The bundle discloses no fields.")
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
            return result.add("fields", False, f"The bundle is malformed: {error}.")
        if process_proof(leaf, proof) != root:
            return result.add(
                "fields",
                False,
                f"Field “{key}” does not match the document root: its value, salt or proof "
                "has been changed.",
            )
        disclosed[key] = row.get("value")
    missing = [name for name in IDENTITY_FIELDS if name not in disclosed]
    if missing:
        return result.add(
            "fields", False, f"The bundle hides {', '.join(missing)}, which must show."
        )
    identity = bundle.get("document") or {}
    if not isinstance(identity, Mapping):
        return result.add("fields", False, "The bundle's document is not an object.")
    if any(identity.get(name) != disclosed[name] for name in IDENTITY_FIELDS):
        return result.add(
            "fields", False, "The bundle's document type or id differs from its fields."
        )
    try:
        result.document = document_rebuild(disclosed)
    except CommitmentError as error:
        return result.add("fields", False, f"The disclosed fields don't fit together: {error}")
    return result.add(
        "fields",
        True,
        f"{len(disclosed)} disclosed field(s) belong to document root {encode_hex(root)}.",
    )


def _check_batch(bundle: Mapping[str, Any], root: bytes, result: Verification) -> bool:
    if not bundle.get("anchor"):
        result.pending = True
        expected = bundle.get("expected_by")
        return result.add(
            "batch",
            True,
            "Not anchored yet"
            + (f" (expected by {expected})" if expected else "")
            + ": fetch the bundle again later for its anchored form.",
        )
    try:
        anchor = _Anchor.read(bundle.get("anchor"))
    except ValueError as error:
        return result.add("batch", False, f"The anchor part is malformed: {error}.")
    if process_proof(batch_leaf(root), anchor.batch_proof) != anchor.batch_root:
        return result.add(
            "batch",
            False,
            f"The document is not in batch {anchor.seq}: the batch proof leads elsewhere "
            "(a proof from another batch?).",
        )
    return result.add(
        "batch", True, f"The document is in batch {anchor.seq} ({encode_hex(anchor.batch_root)})."
    )


def _check_signature(
    bundle: Mapping[str, Any],
    root: bytes,
    result: Verification,
    trusted: Sequence[str],
    issuer: Issuer | None,
) -> bool:
    signature: Any = bundle.get("signature") or {}
    claimed = signature.get("signer") if isinstance(signature, Mapping) else None
    try:
        signer = root_signer_recover(root=root, signature=signature.get("signature"))
    except (SigningError, AttributeError) as error:
        return result.add("signature", False, f"The platform's signature cannot be read: {error}")
    result.signer = signer
    if claimed and str(claimed).lower() != signer.lower():
        return result.add(
            "signature", False, f"Signed by {signer}, not by {claimed} as the bundle says."
        )
    if trusted and signer.lower() not in {t.lower() for t in trusted}:
        return result.add("signature", False, f"Signed by {signer}, which is not a trusted signer.")
    if issuer is not None:
        # The window is held against the anchor time the bundle claims; the chain checks then
        # confirm that time, so a bundle cannot move itself into a key's window.
        anchor = _anchor_claimed(bundle)
        problem = issuer.signer_problem(signer, anchor.anchored_at if anchor else None)
        if problem:
            return result.add("signature", False, problem)
        if issuer.keys is not None:
            return result.add(
                "signature", True, f"The document root is signed by {signer}, an issuer key."
            )
    return result.add("signature", True, f"The document root is signed by {signer}.")


def _check_contract_pin(
    bundle: Mapping[str, Any], result: Verification, issuer: Issuer | None
) -> bool:
    anchor = _anchor_claimed(bundle)
    if issuer is None or not issuer.pins_contract or anchor is None:
        return True
    result.pinned = True
    problem = issuer.contract_problem(anchor.chain_id, anchor.contract)
    if problem:
        return result.add("issuer", False, problem)
    return result.add(
        "issuer",
        True,
        f"Anchored in {anchor.contract}, the issuer's contract for chain {anchor.chain_id}.",
    )


def _check_notice(
    bundle: Mapping[str, Any],
    root: bytes,
    result: Verification,
    trusted: Sequence[str],
    issuer: Issuer | None,
    *,
    allowed: bool,
) -> bool:
    """The issuer's revocation notice, if the bundle carries one: a revocation document's own
    bundle, signed like any other. Verified, it is the issuer's word: revoked, and why."""
    notice = bundle.get("revocation")
    if not notice:
        return True
    if not allowed:
        return result.add("notice", False, "A revocation notice cannot itself carry one.")
    checked = _check_offline(notice, trusted, issuer, notice_allowed=False)
    failed = next((step for step in checked.steps if not step.ok), None)
    if failed is not None:
        return result.add(
            "notice", False, f"The bundle's revocation notice does not verify: {failed.detail}"
        )
    body = checked.document
    revokes: Any = body.get("revokes")
    if not isinstance(revokes, Mapping):
        revokes = {}
    if body.get("type") != REVOCATION_TYPE or revokes.get("root") != encode_hex(root):
        return result.add(
            "notice", False, "The bundle's revocation notice is about another document."
        )
    superseded_by = body.get("superseded_by")
    result.revoked = True
    result.revocation = {
        "code": revocation_code(superseded_by),
        "reason": body.get("reason"),
        "superseded_by": superseded_by,
        "revoked_at": None,
    }
    return result.add(
        "notice",
        True,
        f"The issuer's signed revocation notice: {revocation_sentence(result.revocation)}",
    )


# --- on-chain checks ----------------------------------------------------------------------


def bundle_check_chain(
    bundle: Any, *, w3: Any, result: Verification | None = None, issuer: Issuer | None = None
) -> Verification:
    """``bundle_check`` plus what the chain says, through ``w3`` (any JSON-RPC endpoint).

    Each anchor field is held against the chain: the contract's record of the batch (sequence
    number, block, time), the block at that number (hash, time), and the transaction's
    receipt (in that block, successful, with the contract's ``Anchored`` log of the batch
    root), and the contract's record of the signing key (``signer_window``: authorised for
    that batch, not retired before it). A bundle with no anchor is asked about only if the
    issuer pins a contract on the node's chain: whether that contract retired its key or
    marked the document revoked.
    """
    from web3.exceptions import BadFunctionCallOutput, ContractLogicError, Web3Exception

    from provenance.contracts import artifact_load

    result = result or bundle_check(bundle, issuer=issuer)
    if not all(step.ok for step in result.steps):
        return result
    root = _bytes(bundle.get("document_root"), 32, "document_root")
    anchor = _anchor_claimed(bundle)
    try:
        chain_id = w3.eth.chain_id
        if anchor is None:
            address = issuer.contract_for(chain_id) if issuer is not None else None
            if address is not None:
                contract = _contract_at(w3, address, chain_id, result, artifact_load()["abi"])
                if contract is not None and _check_signer(contract, None, result):
                    _check_revoked(contract, root, result)
            return result
        if chain_id != anchor.chain_id:
            result.add(
                "chain",
                False,
                f"The node is on chain {chain_id}; the bundle names chain {anchor.chain_id}.",
            )
            return result
        contract = _contract_at(w3, anchor.contract, chain_id, result, artifact_load()["abi"])
        if contract is None:
            return result
        _ = (
            _check_record(contract, anchor, result)
            and _check_signer(contract, anchor, result)
            and _check_block(w3, anchor, result)
            and _check_transaction(w3, anchor, result)
            and _check_revoked(contract, root, result)
        )
    except (BadFunctionCallOutput, ContractLogicError) as error:
        result.add(
            "contract",
            False,
            f"The contract does not answer as an AnchorLog does: {type(error).__name__}: {error}",
        )
    except (OSError, ValueError, Web3Exception) as error:
        result.unreachable = True
        result.add("chain", False, f"The node could not be asked: {type(error).__name__}: {error}")
    return result


def _contract_at(
    w3: Any, address: str, chain_id: int, result: Verification, abi: list[Any]
) -> Any | None:
    if not w3.eth.get_code(address):
        result.add("contract", False, f"There is no contract at {address} on chain {chain_id}.")
        return None
    return w3.eth.contract(address=address, abi=abi)


def _when(timestamp: int) -> str:
    return utc_timestamp(datetime.fromtimestamp(timestamp, tz=UTC))


def _check_record(contract: Any, anchor: _Anchor, result: Verification) -> bool:
    """The contract's own record of the batch root: sequence number, block, time."""
    seq, timestamp, block_number = contract.functions.anchor_of(anchor.batch_root).call()
    root = encode_hex(anchor.batch_root)
    if seq == 0:
        return result.add(
            "anchor",
            False,
            f"Batch root {root} is not anchored in contract "
            f"{anchor.contract} (a wrong contract, or not yet anchored).",
        )
    if seq != anchor.seq:
        return result.add(
            "anchor",
            False,
            f"The contract has this batch as number {seq}, the bundle says {anchor.seq}.",
        )
    if block_number != anchor.block_number:
        return result.add(
            "anchor",
            False,
            f"The contract anchored batch {seq} in block "
            f"{block_number}; the bundle says block {anchor.block_number}.",
        )
    if _when(timestamp) != utc_timestamp(anchor.anchored_at):
        return result.add(
            "anchor",
            False,
            f"The contract anchored batch {seq} at "
            f"{_when(timestamp)}; the bundle says "
            f"{utc_timestamp(anchor.anchored_at)}.",
        )
    return result.add(
        "anchor",
        True,
        f"Anchored on chain {anchor.chain_id} in block "
        f"{block_number} at {_when(timestamp)}, batch {seq}, contract "
        f"{anchor.contract}.",
    )


def _check_signer(contract: Any, anchor: _Anchor | None, result: Verification) -> bool:
    """The contract's own record of the signing key: authorised for the bundle's batch, and
    not retired before it (with no anchor: not retired at all, as a retired key signs nothing
    new). This holds signer to contract without trusting the issuer's web server."""
    first, last = contract.functions.signer_window(result.signer).call()
    address = contract.address
    if first == 0:
        return result.add(
            "signer",
            False,
            f"Signed by {result.signer}, a key contract {address} never authorised.",
        )
    if anchor is None:
        if last:
            return result.add(
                "signer",
                False,
                f"Signed by {result.signer}, a key contract {address} retired after batch "
                f"{last}; a retired key signs no new documents.",
            )
        return result.add(
            "signer", True, f"Signed by {result.signer}, a key contract {address} authorises."
        )
    if anchor.seq < first:
        return result.add(
            "signer",
            False,
            f"Signed by {result.signer}, which contract {address} authorised from batch "
            f"{first} on, but anchored in batch {anchor.seq}.",
        )
    if last and anchor.seq > last:
        return result.add(
            "signer",
            False,
            f"Signed by {result.signer}, which contract {address} retired after batch "
            f"{last}, but anchored in batch {anchor.seq}: the key was no longer ours to sign.",
        )
    window = f"batches {first}–{last}" if last else f"batch {first} on"
    return result.add(
        "signer",
        True,
        f"The contract authorised {result.signer} to sign for {window}, batch {anchor.seq} "
        "included.",
    )


def _check_block(w3: Any, anchor: _Anchor, result: Verification) -> bool:
    """The block at the bundle's number, as the node's canonical chain has it now."""
    from web3.exceptions import BlockNotFound

    try:
        block = w3.eth.get_block(anchor.block_number)
    except BlockNotFound:
        return result.add(
            "block", False, f"Chain {anchor.chain_id} has no block {anchor.block_number}."
        )
    actual = encode_hex(bytes(block["hash"]))
    if actual != encode_hex(anchor.block_hash):
        return result.add(
            "block",
            False,
            f"Block {anchor.block_number} on chain "
            f"{anchor.chain_id} is {actual}; the bundle says "
            f"{encode_hex(anchor.block_hash)}.",
        )
    if _when(block["timestamp"]) != utc_timestamp(anchor.anchored_at):
        return result.add(
            "block",
            False,
            f"Block {anchor.block_number} is from "
            f"{_when(block['timestamp'])}; the bundle says the batch was anchored "
            f"at {utc_timestamp(anchor.anchored_at)}.",
        )
    return result.add(
        "block", True, f"Block {anchor.block_number} is {actual}, from {_when(block['timestamp'])}."
    )


def _check_transaction(w3: Any, anchor: _Anchor, result: Verification) -> bool:
    """The transaction: in that block, successful, and logging the batch from the contract."""
    from web3.exceptions import TransactionNotFound

    tx = encode_hex(anchor.tx_hash)
    try:
        receipt = w3.eth.get_transaction_receipt(tx)
    except TransactionNotFound:
        return result.add(
            "transaction", False, f"Transaction {tx} is not on chain {anchor.chain_id}."
        )
    in_block = encode_hex(bytes(receipt["blockHash"]))
    if receipt["blockNumber"] != anchor.block_number or in_block != encode_hex(anchor.block_hash):
        return result.add(
            "transaction",
            False,
            f"Transaction {tx} is in block "
            f"{receipt['blockNumber']} ({in_block}), not in block "
            f"{anchor.block_number} as the bundle says.",
        )
    if receipt["status"] != 1:
        return result.add("transaction", False, f"Transaction {tx} failed (reverted).")
    seq_topic = anchor.seq.to_bytes(32, "big")
    logged = any(
        str(log["address"]).lower() == anchor.contract.lower()
        and [bytes(topic) for topic in log["topics"][:3]]
        == [ANCHORED_TOPIC, seq_topic, anchor.batch_root]
        for log in receipt["logs"]
    )
    if not logged:
        return result.add(
            "transaction",
            False,
            f"Transaction {tx} does not log batch "
            f"{anchor.seq} ({encode_hex(anchor.batch_root)}) from contract "
            f"{anchor.contract}.",
        )
    result.anchored = True
    return result.add(
        "transaction",
        True,
        f"Transaction {tx} logged batch {anchor.seq} from contract {anchor.contract}.",
    )


def _check_revoked(contract: Any, root: bytes, result: Verification) -> bool:
    revoked_at = contract.functions.revoked_at(root).call()
    if revoked_at:
        result.revoked = True
        result.revocation = {
            "code": None, "reason": None, "superseded_by": None, **(result.revocation or {}),
            "revoked_at": _when(revoked_at),
        }  # fmt: skip
        return result.add("revocation", True, f"REVOKED on chain at {_when(revoked_at)}.")
    if result.revoked:
        # The issuer's signed notice stands; its batch may just not be on this node yet.
        return result.add(
            "revocation",
            True,
            "Not marked revoked on chain yet; the issuer's signed revocation notice stands.",
        )
    return result.add("revocation", True, "Not revoked.")
