"""The anchoring writer against a real ganache node: the happy path and every fault the
issue names (node down, worker killed mid-send, duplicate sending, a reorg, a devnet reset,
a stuck transaction). Each ends with every document anchored exactly once on the chain the
node now calls canonical."""

from __future__ import annotations

from typing import Any

import pytest
from web3 import Web3
from web3.exceptions import Web3RPCError

from provenance import anchoring
from provenance.anchoring import anchor_tick, batch_seal, contract_deploy, web3_get
from provenance.documents import document_revoke
from provenance.models import AnchorTransaction, Batch, Deployment, Document
from provenance.tests.conftest import (
    Ganache,
    assert_each_anchored_once,
    live_contract,
    register_reports,
    settle,
)

pytestmark = pytest.mark.django_db


def test_documents_are_sealed_sent_included_and_confirmed(w3: Web3) -> None:
    first = register_reports(5)

    moves = settle(w3)

    assert moves == ["1:sealed->confirmed"]
    batch = Batch.objects.get()
    assert batch.size == 5 and batch.prev_root == "0x" + "00" * 32
    assert {d.batch_id for d in Document.objects.all()} == {batch.pk}
    assert batch.transactions.get().state == AnchorTransaction.State.INCLUDED
    register_reports(3, start=5)
    settle(w3)
    second = Batch.objects.get(seq=2)
    assert second.prev_root == batch.root and second.size == 3
    assert first[0].root not in {d.root for d in second.documents.all()}
    assert_each_anchored_once(w3)


def test_gas_per_document_falls_with_the_batch_size(w3: Web3) -> None:
    register_reports(1)
    settle(w3)
    register_reports(64, start=1)
    settle(w3)

    single, batch = (tx.gas_used for tx in AnchorTransaction.objects.order_by("nonce"))
    # One anchor call per batch: 64 documents cost about what one does.
    assert batch < single * 1.1


def test_the_node_down_for_a_while_loses_nothing(w3: Web3, ganache: Ganache) -> None:
    register_reports(3)
    ganache.stop()

    report = anchor_tick(w3=w3)

    assert "ConnectionError" in report.error or "Connection" in report.error
    assert Document.objects.filter(batch__isnull=True).count() == 3
    ganache.start()
    settle(w3)
    assert_each_anchored_once(w3)


def test_a_worker_killed_after_signing_resends_the_same_bytes(w3: Web3) -> None:
    register_reports(2)
    deployment = Deployment.objects.get()
    batch = batch_seal(deployment=deployment, force=True)
    assert batch is not None
    from provenance.keys import anchor_signer_get

    signed = anchoring._sign(w3, anchor_signer_get(), batch)
    # ...and the worker dies here, before broadcasting. The next tick carries on.

    settle(w3)

    batch.refresh_from_db()
    assert batch.state == Batch.State.CONFIRMED
    assert list(batch.transactions.values_list("tx_hash", flat=True)) == [signed.tx_hash]
    assert_each_anchored_once(w3)


def test_sending_twice_anchors_once(w3: Web3) -> None:
    register_reports(2)
    settle(w3)
    batch = Batch.objects.get()
    tx = batch.transactions.get()

    # A retry that did not know the first send worked: the node refuses the same bytes...
    with pytest.raises(Web3RPCError, match="nonce"):
        w3.eth.send_raw_transaction(tx.raw)
    # ...and the writer, sending them again, settles it from the receipt.
    batch.state = Batch.State.SIGNED
    batch.save(update_fields=["state"])
    anchoring._broadcast(w3, batch, tx)
    settle(w3)

    batch.refresh_from_db()
    assert batch.state == Batch.State.CONFIRMED
    assert live_contract(w3).functions.last_seq().call() == 1
    assert_each_anchored_once(w3)


def test_a_reorg_is_noticed_and_the_batch_anchored_again(w3: Web3, ganache: Ganache) -> None:
    snapshot = ganache.rpc("evm_snapshot")
    register_reports(4)
    settle(w3)
    batch = Batch.objects.get()
    old_hash = batch.block_hash
    # The chain drops the block, then moves on with other blocks at the same heights.
    ganache.rpc("evm_revert", snapshot)
    ganache.rpc("evm_mine")
    ganache.rpc("evm_mine")

    moves = settle(w3)

    batch.refresh_from_db()
    assert moves[0] == "1:confirmed->reorged"
    assert batch.state == Batch.State.CONFIRMED
    assert batch.block_hash != old_hash
    assert_each_anchored_once(w3)


def test_a_reset_devnet_gets_a_new_contract_and_every_document_again(
    w3: Web3, ganache: Ganache
) -> None:
    register_reports(3)
    settle(w3)
    old = Deployment.objects.get()
    ganache.wipe()
    ganache.start()
    register_reports(2, start=3)

    settle(w3)

    old.refresh_from_db()
    assert old.retired_at is not None
    assert old.batches.get().state == Batch.State.ABANDONED
    new = Deployment.objects.get(retired_at__isnull=True)
    assert new.pk != old.pk
    assert Document.objects.filter(batch__deployment=new).count() == 5
    assert_each_anchored_once(w3)


@pytest.fixture
def paused_evm() -> tuple[Any, Web3]:
    """py-evm with the contract deployed and mining paused: sent transactions wait.

    Not ganache: ganache 7 mines a transaction and its same-nonce replacement side by side,
    which no real node does, so it can't show replacement.
    """
    from eth_tester import EthereumTester
    from web3 import EthereumTesterProvider

    tester = EthereumTester()
    w3 = Web3(EthereumTesterProvider(tester))
    contract_deploy(w3=w3)
    tester.disable_auto_mine_transactions()
    return tester, w3


def test_a_stuck_transaction_is_replaced_with_a_higher_fee(
    paused_evm: tuple[Any, Web3], settings: Any
) -> None:
    tester, w3 = paused_evm
    register_reports(2)
    anchor_tick(w3=w3)
    batch = Batch.objects.get()
    assert batch.state == Batch.State.BROADCAST
    settings.ANCHOR_STUCK_SECONDS = 0

    anchor_tick(w3=w3)
    tester.enable_auto_mine_transactions()
    tester.mine_blocks(1)
    settle(w3)

    first, second = batch.transactions.order_by("created_at")
    assert first.nonce == second.nonce
    assert second.max_fee_per_gas > first.max_fee_per_gas
    assert second.max_priority_fee_per_gas > first.max_priority_fee_per_gas
    assert (first.state, second.state) == (
        AnchorTransaction.State.REPLACED,
        AnchorTransaction.State.INCLUDED,
    )
    assert_each_anchored_once(w3)


def test_a_replacement_never_goes_above_the_fee_cap(
    paused_evm: tuple[Any, Web3], settings: Any
) -> None:
    _, w3 = paused_evm
    register_reports(1)
    settings.ANCHOR_MAX_FEE_GWEI = float(anchoring._fees(w3)[0]) / anchoring.GWEI
    anchor_tick(w3=w3)
    settings.ANCHOR_STUCK_SECONDS = 0

    anchor_tick(w3=w3)

    batch = Batch.objects.get()
    assert batch.transactions.count() == 1
    assert "fee cap" in batch.last_error


def test_a_revocation_is_marked_on_chain(w3: Web3) -> None:
    (report,) = register_reports(1)
    settle(w3)
    document_revoke(document=report, reason="superseded by version 2", superseded_by="r-9")

    settle(w3)

    batch = Batch.objects.get(seq=2)
    assert batch.revokes == [report.root]
    assert live_contract(w3).functions.revoked_at(report.root).call() > 0
    assert_each_anchored_once(w3)


def test_without_a_contract_the_tick_says_so_and_keeps_the_documents(
    ganache: Ganache, settings: Any
) -> None:
    settings.ETH_RPC_URL = ganache.rpc_url
    register_reports(1)

    report = anchor_tick(w3=web3_get(ganache.rpc_url))

    assert "No AnchorLog contract" in report.error
    assert Document.objects.filter(batch__isnull=True).count() == 1
