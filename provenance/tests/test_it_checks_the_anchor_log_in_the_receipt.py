"""The transaction step's last check, on its own: a bundle whose every other anchor field is
true (the contract's record, block number, block hash, time) but whose ``tx_hash`` names
another real, successful transaction of that same block, one that logs no ``Anchored(seq,
batch_root)`` from the contract, is INVALID, and says so.

Not ganache, which mines each transaction in a block of its own: py-evm with mining paused
puts the anchoring writer's transaction and another in one block.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from web3 import Web3

from provenance.anchoring import anchor_tick, contract_deploy
from provenance.bundles import Outcome, bundle_check_chain
from provenance.chain import issuer_own
from provenance.models import Batch, Document
from provenance.selectors import bundle_for
from provenance.tests.conftest import live_contract, register_reports, settle

pytestmark = pytest.mark.django_db


@pytest.fixture
def evm() -> tuple[Any, Web3]:
    """py-evm with the contract deployed and recorded; mining still on."""
    from eth_tester import EthereumTester
    from web3 import EthereumTesterProvider

    tester = EthereumTester()
    w3 = Web3(EthereumTesterProvider(tester))
    contract_deploy(w3=w3)
    return tester, w3


def test_a_transaction_of_the_same_block_that_logs_no_anchor_is_invalid(
    evm: tuple[Any, Web3],
) -> None:
    tester, w3 = evm
    (document,) = register_reports(1)
    tester.disable_auto_mine_transactions()
    anchor_tick(w3=w3)  # the writer seals the batch and sends its anchor call: it waits
    batch = Batch.objects.get()
    assert batch.state == Batch.State.BROADCAST
    # Someone else's call to the same contract, waiting beside it: it succeeds and logs
    # nothing (a read, sent as a transaction).
    bystander = live_contract(w3).functions.anchor_of(bytes.fromhex(batch.root[2:]))
    other_hash = bystander.transact({"from": w3.eth.accounts[1]})
    tester.mine_blocks(1)
    tester.enable_auto_mine_transactions()
    settle(w3)
    tester.mine_blocks(2)  # deep enough to confirm
    settle(w3)

    good = bundle_for(Document.objects.get(pk=document.pk))
    anchor = good["anchor"]
    other = w3.eth.get_transaction_receipt(other_hash)
    ours = w3.eth.get_transaction_receipt(anchor["tx_hash"])
    other_tx = other["transactionHash"].to_0x_hex()
    # The premise: two successful transactions, one block, the same contract, one log.
    assert other_tx != anchor["tx_hash"] == ours["transactionHash"].to_0x_hex()
    assert other["blockNumber"] == ours["blockNumber"] == anchor["block_number"]
    assert other["blockHash"].to_0x_hex() == anchor["block_hash"]
    assert other["status"] == ours["status"] == 1
    assert other["to"] == ours["to"] == anchor["contract"]
    assert other["logs"] == [] and len(ours["logs"]) >= 1
    assert bundle_check_chain(good, w3=w3, issuer=issuer_own()).outcome is Outcome.VALID

    swapped = copy.deepcopy(good)
    swapped["anchor"]["tx_hash"] = other_tx
    result = bundle_check_chain(swapped, w3=w3, issuer=issuer_own())

    assert result.outcome is Outcome.INVALID and not result.anchored
    # Every step before it passed (the record, the key, the block); the transaction's ends it.
    failed = [step for step in result.steps if not step.ok]
    assert [step.name for step in failed] == ["transaction"] == [result.steps[-1].name]
    passed = [step.name for step in result.steps if step.ok]
    assert {"anchor", "signer", "block"} <= set(passed), result.steps
    expected = (
        f"Transaction {other_tx} does not log batch {anchor['seq']} "
        f"({anchor['batch_root']}) from contract {anchor['contract']}."
    )
    assert failed[0].detail == expected
    assert expected in result.reason
