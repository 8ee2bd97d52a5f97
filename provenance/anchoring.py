"""The anchoring writer: seal batches, send them, follow them until they are safe.

One writer per key. `anchor_tick` runs on its own Celery queue with concurrency 1, and holds
a PostgreSQL advisory lock while it works, so two ticks never send at once. Each tick:

1. seals a batch when enough documents wait, or the oldest has waited long enough;
2. drives every unfinished batch one step along
   sealed -> signed -> broadcast -> included -> confirmed,
   with the side states reorged (its block left the canonical chain) and abandoned (the
   chain was reset and the contract is gone; its documents are batched again).

What makes it safe to stop anywhere (node down, worker killed, restart):

- the batch row, with every document's proof, is written before anything is sent;
- the signed transaction's raw bytes are stored before they are broadcast, and a retry
  re-sends the same bytes; "already known" and "nonce too low" are settled by the receipt;
- nonces come from the database (`SenderNonce`), never from the node's pending count;
- the contract itself refuses a duplicate, a gap or a fork, so re-sending can never anchor a
  batch twice;
- a watcher compares each recent batch's block hash with the canonical chain and re-anchors
  on a mismatch.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from eth_typing import HexStr
from eth_utils import decode_hex, encode_hex, to_checksum_address
from hexbytes import HexBytes
from web3 import Web3
from web3.exceptions import TransactionNotFound, Web3Exception, Web3RPCError
from web3.types import Wei

from events.services import event_emit
from provenance.chain import web3_get
from provenance.commitments import batch_leaf
from provenance.contracts import artifact_load
from provenance.events import BatchStateChanged, DeploymentRetired
from provenance.keys import TransactionSigner, anchor_signer_get
from provenance.merkle import MerkleTree
from provenance.models import AnchorTransaction, Batch, Deployment, Document, SenderNonce
from provenance.signing_keys import MAX_KEY_CHANGES, batch_key_changes, signing_keys_sync

logger = logging.getLogger(__name__)

ZERO_ROOT = "0x" + "00" * 32
MAX_REVOCATIONS_PER_BATCH = 64
GWEI = 10**9
# The advisory lock key of the anchoring writer ("anchor" in ASCII).
WRITER_LOCK = 0x616E63686F72
_KNOWN = re.compile(r"already known|known transaction|already imported", re.I)
_NONCE_USED = re.compile(r"nonce too low|correct nonce|nonce.*already", re.I)

State = Batch.State
TxState = AnchorTransaction.State


class ChainUnavailable(Exception):
    """The node did not answer; everything stays stored and the next tick carries on."""


@dataclass
class TickReport:
    sealed: int | None = None
    moved: list[str] = field(default_factory=list)
    error: str = ""
    busy: bool = False


def _contract(w3: Web3, address: str | None = None) -> Any:
    abi = artifact_load()["abi"]
    if address is None:
        return w3.eth.contract(abi=abi)
    return w3.eth.contract(address=to_checksum_address(address), abi=abi)


# --- deployment ---------------------------------------------------------------------------


def deployment_live(chain_id: int) -> Deployment | None:
    return Deployment.objects.filter(chain_id=chain_id, retired_at__isnull=True).first()


def contract_deploy(*, w3: Web3, signer: TransactionSigner | None = None) -> Deployment:
    """Deploy AnchorLog owned by the anchoring key and record it for this chain.

    On a devnet (``ANCHOR_DEVNET_FUNDING``) the key is first funded from the node's own
    unlocked account. The caller makes sure no live deployment exists for the chain.
    """
    signer = signer or anchor_signer_get()
    chain_id = w3.eth.chain_id
    if settings.ANCHOR_DEVNET_FUNDING and w3.eth.get_balance(signer.address) < 10**18:
        funder = w3.eth.accounts[0]
        w3.eth.wait_for_transaction_receipt(
            w3.eth.send_transaction(
                {"from": funder, "to": signer.address, "value": Wei(100 * 10**18)}
            )
        )
    nonce = w3.eth.get_transaction_count(signer.address, "latest")
    max_fee, priority = _fees(w3)
    raw = signer.sign_transaction(
        {
            "type": 2,
            "chainId": chain_id,
            "nonce": nonce,
            "data": artifact_load()["bytecode"],
            "gas": 1_500_000,
            "maxFeePerGas": max_fee,
            "maxPriorityFeePerGas": priority,
        }
    )
    receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(raw), timeout=120)
    if receipt["status"] != 1 or not receipt["contractAddress"]:
        raise RuntimeError(f"The deployment transaction failed: {receipt['transactionHash']!r}")
    with transaction.atomic():
        deployment = Deployment.objects.create(
            chain_id=chain_id,
            address=receipt["contractAddress"],
            block_number=receipt["blockNumber"],
            deployer=signer.address,
            source_sha256=artifact_load()["source_sha256"],
        )
        SenderNonce.objects.update_or_create(
            chain_id=chain_id, address=signer.address, defaults={"next_nonce": nonce + 1}
        )
    logger.info("deployed AnchorLog at %s on chain %s", deployment.address, chain_id)
    return deployment


def _fees(w3: Web3, *, at_least: tuple[int, int] | None = None) -> tuple[int, int]:
    """(max fee, priority fee) per gas: twice the base fee plus the tip, under the cap."""
    base = int(w3.eth.get_block("latest").get("baseFeePerGas", 0) or 0)
    priority = GWEI
    max_fee = 2 * base + priority
    if at_least is not None:
        bump = 100 + settings.ANCHOR_FEE_BUMP_PERCENT
        max_fee = max(max_fee, at_least[0] * bump // 100 + 1)
        priority = max(priority, at_least[1] * bump // 100 + 1)
    cap = int(settings.ANCHOR_MAX_FEE_GWEI * GWEI)
    return min(max_fee, cap), min(priority, cap)


# --- sealing ------------------------------------------------------------------------------


def batch_seal(*, deployment: Deployment, force: bool = False) -> Batch | None:
    """Seal the waiting documents into the next batch, if it is time (or ``force``).

    One transaction: the batch row, each document's place and proof, all or nothing.
    """
    limit = settings.ANCHOR_BATCH_MAX_DOCUMENTS
    with transaction.atomic():
        waiting = list(
            Document.objects.filter(batch__isnull=True)
            .order_by("created_at", "id")
            .select_for_update(skip_locked=True)[:limit]
        )
        if not waiting:
            return None
        age = timezone.now() - waiting[0].created_at
        due = len(waiting) >= limit or age.total_seconds() >= settings.ANCHOR_BATCH_MAX_WAIT_SECONDS
        if not (due or force):
            return None
        documents: list[Document] = []
        revokes: list[str] = []
        signers: set[str] = set()
        for document in waiting:
            if document.revokes:
                if len(revokes) == MAX_REVOCATIONS_PER_BATCH:
                    break
                revokes.append(document.revokes)
            if document.signer not in signers and len(signers) == MAX_KEY_CHANGES:
                break
            signers.add(document.signer)
            documents.append(document)
        authorises, retires = batch_key_changes(deployment=deployment, signers=signers)
        last = (
            Batch.objects.filter(deployment=deployment)
            .exclude(state=State.ABANDONED)
            .order_by("-seq")
            .first()
        )
        tree = MerkleTree.of([batch_leaf(decode_hex(d.root)) for d in documents])
        batch = Batch.objects.create(
            deployment=deployment,
            seq=(last.seq + 1) if last else 1,
            root=encode_hex(tree.root),
            prev_root=last.root if last else ZERO_ROOT,
            size=len(documents),
            revokes=revokes,
            authorises=authorises,
            retires=retires,
        )
        for index, document in enumerate(documents):
            document.batch = batch
            document.leaf_index = index
            document.batch_proof = [encode_hex(node) for node in tree.proof(index)]
        Document.objects.bulk_update(documents, ["batch", "leaf_index", "batch_proof"])
        event_emit(BatchStateChanged(batch_id=batch.pk, state=batch.state, previous_state=""))
    logger.info("sealed batch %s with %s documents", batch.seq, batch.size)
    return batch


# --- the tick -----------------------------------------------------------------------------


def anchor_tick(*, w3: Web3 | None = None, signer: TransactionSigner | None = None) -> TickReport:
    """Seal if due, then move every unfinished batch one step. Never raises for chain trouble."""
    report = TickReport()
    with _writer_lock() as acquired:
        if not acquired:
            report.busy = True
            return report
        w3 = w3 or web3_get()
        try:
            signer = signer or anchor_signer_get()
            chain_id = w3.eth.chain_id
            deployment = deployment_live(chain_id)
            if deployment is None:
                report.error = f"No AnchorLog contract is deployed on chain {chain_id}."
                return report
            signing_keys_sync()
            if not w3.eth.get_code(to_checksum_address(deployment.address)):
                deployment = _chain_reset(w3, deployment, signer)
            elif deployment.source_sha256 != artifact_load()["source_sha256"]:
                deployment = _contract_outdated(w3, deployment, signer)
            sealed = batch_seal(deployment=deployment)
            report.sealed = sealed.seq if sealed else None
            head = w3.eth.block_number
            batches = _unfinished(deployment, head)
            before = {batch.pk: batch.state for batch in batches}
            on_chain = [b for b in batches if b.state in (State.INCLUDED, State.CONFIRMED)]
            _watch_all(w3, on_chain, head)
            for batch in batches:
                if before[batch.pk] not in (State.INCLUDED, State.CONFIRMED):
                    _drive(w3, signer, batch)
            report.moved = [
                f"{b.seq}:{before[b.pk]}->{b.state}" for b in batches if b.state != before[b.pk]
            ]
        except (OSError, Web3Exception, ChainUnavailable) as error:
            report.error = f"{type(error).__name__}: {error}"[:500]
            logger.warning("anchoring paused, the chain is unavailable: %s", report.error)
    return report


class _writer_lock:
    """A session-level PostgreSQL advisory lock: one anchoring writer at a time."""

    def __enter__(self) -> bool:
        self.held = False
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [WRITER_LOCK])
            self.held = bool(cursor.fetchone()[0])
        return self.held

    def __exit__(self, *exc: object) -> None:
        if self.held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [WRITER_LOCK])


def _unfinished(deployment: Deployment, head: int) -> list[Batch]:
    watch_from = max(0, head - settings.ANCHOR_WATCH_BLOCKS)
    return list(
        deployment.batches.exclude(state=State.ABANDONED)
        .exclude(state=State.CONFIRMED, block_number__lt=watch_from)
        .order_by("seq")
    )


def _drive(w3: Web3, signer: TransactionSigner, batch: Batch) -> None:
    """Move a batch that is not (yet) on chain one step along."""
    if batch.state == State.SEALED:
        _sign(w3, signer, batch)
    if batch.state == State.SIGNED:
        _broadcast(w3, batch, _latest_tx(batch))
    if batch.state == State.BROADCAST:
        _follow(w3, signer, batch)
    elif batch.state == State.REORGED:
        _reanchor(w3, signer, batch)


def _latest_tx(batch: Batch) -> AnchorTransaction | None:
    """The batch's newest transaction still in play (a dropped one is never sent again)."""
    return batch.transactions.exclude(state=TxState.DROPPED).order_by("-created_at").first()


def _save(batch: Batch, state: str, **fields: Any) -> None:
    """Save the batch's move, with its event when the state changes (one transaction)."""
    previous = batch.state
    batch.state = state
    for name, value in fields.items():
        setattr(batch, name, value)
    with transaction.atomic():
        batch.save(update_fields=["state", "updated_at", *fields])
        if state != previous:
            event_emit(BatchStateChanged(batch_id=batch.pk, state=state, previous_state=previous))


def _sign(
    w3: Web3,
    signer: TransactionSigner,
    batch: Batch,
    *,
    nonce: int | None = None,
    fees: tuple[int, int] | None = None,
) -> AnchorTransaction:
    """Sign the batch's anchor call and store it; a new nonce from the database unless given."""
    chain_id = batch.deployment.chain_id
    calldata = _contract(w3).encode_abi(
        "anchor",
        args=[
            decode_hex(batch.root),
            decode_hex(batch.prev_root),
            batch.seq,
            [decode_hex(r) for r in batch.revokes],
            [to_checksum_address(a) for a in batch.authorises],
            [to_checksum_address(a) for a in batch.retires],
        ],
    )
    max_fee, priority = fees or _fees(w3)
    with transaction.atomic():
        if nonce is None:
            nonce = _nonce_take(w3, chain_id, signer.address)
        changes = len(batch.revokes) + len(batch.authorises) + len(batch.retires)
        gas = 120_000 + 30_000 * changes
        raw = signer.sign_transaction(
            {
                "type": 2,
                "chainId": chain_id,
                "nonce": nonce,
                "to": to_checksum_address(batch.deployment.address),
                "data": calldata,
                "value": 0,
                "gas": gas,
                "maxFeePerGas": max_fee,
                "maxPriorityFeePerGas": priority,
            }
        )
        tx = AnchorTransaction.objects.create(
            batch=batch,
            sender=signer.address,
            nonce=nonce,
            max_fee_per_gas=Decimal(max_fee),
            max_priority_fee_per_gas=Decimal(priority),
            gas_limit=gas,
            raw=encode_hex(raw),
            tx_hash=encode_hex(Web3.keccak(raw)),
        )
        _save(batch, State.SIGNED)
    return tx


def _nonce_take(w3: Web3, chain_id: int, address: str) -> int:
    """The next nonce from the database, locked; the node is asked only for a first value."""
    row = SenderNonce.objects.select_for_update().filter(chain_id=chain_id, address=address).first()
    if row is None:
        row = SenderNonce.objects.create(
            chain_id=chain_id,
            address=address,
            next_nonce=w3.eth.get_transaction_count(to_checksum_address(address), "latest"),
        )
    nonce = row.next_nonce
    row.next_nonce = nonce + 1
    row.save(update_fields=["next_nonce"])
    return nonce


def _broadcast(w3: Web3, batch: Batch, tx: AnchorTransaction | None) -> None:
    if tx is None:
        _save(batch, State.SEALED)
        return
    try:
        w3.eth.send_raw_transaction(HexStr(tx.raw))
    except Web3RPCError as error:
        message = str(error)
        if _KNOWN.search(message):
            pass  # the node has it already: as good as sent
        elif _NONCE_USED.search(message):
            # Something took this nonce: our own earlier send, or another transaction.
            if _settle_from_receipts(w3, batch):
                return
            logger.warning(
                "batch %s: nonce %s was used elsewhere; signing anew", batch.seq, tx.nonce
            )
            tx.state = TxState.DROPPED
            tx.save(update_fields=["state"])
            _save(batch, State.SEALED, last_error=message[:500])
            return
        else:
            _save(batch, batch.state, last_error=message[:500])
            raise ChainUnavailable(message) from error
    tx.state = TxState.BROADCAST
    tx.sent_at = timezone.now()
    tx.save(update_fields=["state", "sent_at"])
    _save(batch, State.BROADCAST, last_error="")


def _receipt(w3: Web3, tx_hash: str) -> Any | None:
    try:
        return w3.eth.get_transaction_receipt(HexStr(tx_hash))
    except TransactionNotFound:
        return None


def _settle_from_receipts(w3: Web3, batch: Batch) -> bool:
    """If one of the batch's transactions is in a block, record it; True if so."""
    for tx in batch.transactions.exclude(state=TxState.DROPPED).order_by("-created_at"):
        receipt = _receipt(w3, tx.tx_hash)
        if receipt is None:
            continue
        if receipt.status != 1:
            # The contract refused it (out of sequence after a reset, say): anchor again.
            tx.state = TxState.DROPPED
            tx.save(update_fields=["state"])
            _save(batch, State.REORGED, last_error=f"transaction {tx.tx_hash} reverted")
            return True
        # The block as the canonical chain has it now (a receipt can name a block that a
        # reorg has since replaced); the transaction must be in it.
        block = w3.eth.get_block(receipt.blockNumber)
        hashes = cast("list[HexBytes]", block["transactions"])  # not full_transactions: hashes
        if tx.tx_hash not in {Web3.to_hex(h) for h in hashes}:
            continue
        tx.state = TxState.INCLUDED
        tx.gas_used = receipt.gasUsed
        tx.save(update_fields=["state", "gas_used"])
        batch.transactions.exclude(pk=tx.pk).exclude(state=TxState.DROPPED).update(
            state=TxState.REPLACED
        )
        _save(
            batch,
            State.INCLUDED,
            block_number=receipt.blockNumber,
            block_hash=encode_hex(bytes(block["hash"])),
            anchored_at=datetime.fromtimestamp(block["timestamp"], tz=UTC),
            last_error="",
        )
        return True
    return False


def _follow(w3: Web3, signer: TransactionSigner, batch: Batch) -> None:
    """A sent batch: included yet? If the node lost it, send the same bytes; if stuck, bump."""
    if _settle_from_receipts(w3, batch):
        # Its block was just read from the canonical chain; only the depth remains.
        _confirm_if_deep(batch, w3.eth.block_number)
        return
    latest = _latest_tx(batch)
    if latest is None:
        _save(batch, State.SEALED)
        return
    try:
        w3.eth.get_transaction(HexStr(latest.tx_hash))
    except TransactionNotFound:
        logger.info("batch %s: the node forgot %s; sending it again", batch.seq, latest.tx_hash)
        _broadcast(w3, batch, latest)
        return
    waited = timezone.now() - (latest.sent_at or latest.created_at)
    if waited >= timedelta(seconds=settings.ANCHOR_STUCK_SECONDS):
        bumped = _fees(
            w3, at_least=(int(latest.max_fee_per_gas), int(latest.max_priority_fee_per_gas))
        )
        if bumped[0] <= int(latest.max_fee_per_gas):
            _save(batch, batch.state, last_error="stuck at the fee cap (ANCHOR_MAX_FEE_GWEI)")
            return
        logger.info(
            "batch %s: stuck for %s; replacing at nonce %s", batch.seq, waited, latest.nonce
        )
        replacement = _sign(w3, signer, batch, nonce=latest.nonce, fees=bumped)
        _broadcast(w3, batch, replacement)


def _watch_all(w3: Web3, batches: list[Batch], head: int) -> None:
    """Check that batches on chain are still there, newest first, and confirm them at depth.

    Once one batch's block is still canonical, so is every older one (each block names its
    parent), so the rest need only the depth check: one ``get_block`` a tick in the usual case,
    not one per watched batch.
    """
    canonical_below = False
    for batch in sorted(batches, key=lambda b: b.seq, reverse=True):
        if not canonical_below:
            canonical_below = _still_canonical(w3, batch)
            if not canonical_below:
                continue
        _confirm_if_deep(batch, head)


def _still_canonical(w3: Web3, batch: Batch) -> bool:
    """Is the batch's block still the canonical one at its height? If not, mark it reorged."""
    canonical = w3.eth.get_block(batch.block_number) if batch.block_number is not None else None
    if canonical is not None and encode_hex(bytes(canonical["hash"])) == batch.block_hash:
        return True
    logger.warning("batch %s: block %s is no longer canonical", batch.seq, batch.block_number)
    batch.transactions.filter(state=TxState.INCLUDED).update(state=TxState.BROADCAST)
    _save(
        batch,
        State.REORGED,
        block_number=None,
        block_hash="",
        anchored_at=None,
        confirmed_at=None,
    )
    return False


def _confirm_if_deep(batch: Batch, head: int) -> None:
    if (
        batch.state == State.INCLUDED
        and batch.block_number is not None  # (an included batch has its block)
        and head - batch.block_number + 1 >= settings.ANCHOR_CONFIRMATIONS
    ):
        _save(batch, State.CONFIRMED, confirmed_at=timezone.now())


def _reanchor(w3: Web3, signer: TransactionSigner, batch: Batch) -> None:
    """After a reorg: if the canonical chain has the batch after all, record where; else send
    the same bytes again (the nonce is usually free again); else sign anew."""
    if _settle_from_receipts(w3, batch):
        return
    contract = _contract(w3, batch.deployment.address)
    if batch.seq > contract.functions.last_seq().call() + 1:
        return  # an earlier batch goes first; the contract would refuse this one
    latest = _latest_tx(batch)
    _save(batch, State.SIGNED)
    _broadcast(w3, batch, latest)


def deployment_retire(deployment: Deployment) -> None:
    """The contract is gone (a devnet wiped): retire it and batch its documents again."""
    logger.warning("AnchorLog %s is gone from chain %s", deployment.address, deployment.chain_id)
    with transaction.atomic():
        deployment.retired_at = timezone.now()
        deployment.save(update_fields=["retired_at"])
        batches = deployment.batches.exclude(state=State.ABANDONED)
        Document.objects.filter(batch__in=batches).update(
            batch=None, leaf_index=None, batch_proof=[]
        )
        batches.update(state=State.ABANDONED)
        SenderNonce.objects.filter(chain_id=deployment.chain_id).delete()
        event_emit(DeploymentRetired(deployment_id=deployment.pk))


def _contract_outdated(w3: Web3, deployment: Deployment, signer: TransactionSigner) -> Deployment:
    """The live contract runs older code than the committed source (one without on-chain
    signing keys, say): on a devnet it is replaced and everything anchored again in the new
    one; elsewhere anchoring waits for an operator to deploy it."""
    if not settings.ANCHOR_DEVNET_FUNDING:
        raise ChainUnavailable(
            f"The AnchorLog contract at {deployment.address} runs older code than "
            "provenance/contracts/AnchorLog.vy; deploy the new one with "
            "`manage.py deploy_anchor_contract --replace`."
        )
    logger.warning("AnchorLog %s runs outdated code; replacing it", deployment.address)
    return _chain_reset(w3, deployment, signer)


def _chain_reset(w3: Web3, deployment: Deployment, signer: TransactionSigner) -> Deployment:
    deployment_retire(deployment)
    if not settings.ANCHOR_DEVNET_FUNDING:
        raise ChainUnavailable(
            f"The AnchorLog contract at {deployment.address} is gone; deploy a new one with "
            "`manage.py deploy_anchor_contract`."
        )
    return contract_deploy(w3=w3, signer=signer)
