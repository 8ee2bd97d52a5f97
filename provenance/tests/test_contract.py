"""The AnchorLog contract on an in-process EVM (py-evm through eth-tester).

The committed bytecode must be what the source compiles to; then the hash-chain rules, the
owner-only writes, key rotation, revocation, and on-chain ``verify`` agreeing with Python.
"""

from __future__ import annotations

import random

import pytest
from web3 import Web3
from web3.exceptions import ContractLogicError
from web3.logs import DISCARD

from provenance.commitments import batch_leaf
from provenance.contracts import artifact_load, contract_compile
from provenance.merkle import MerkleTree, proof_valid

ZERO = b"\x00" * 32


@pytest.fixture
def chain():  # noqa: ANN201
    from web3 import EthereumTesterProvider

    w3 = Web3(EthereumTesterProvider())
    owner, stranger, successor = w3.eth.accounts[:3]
    artifact = artifact_load()
    factory = w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
    receipt = w3.eth.wait_for_transaction_receipt(factory.constructor().transact({"from": owner}))
    contract = w3.eth.contract(address=receipt.contractAddress, abi=artifact["abi"])
    return w3, contract, owner, stranger, successor


def _root(n: int) -> bytes:
    return Web3.keccak(text=f"batch {n}")


def _reverts(call, reason: str) -> None:  # noqa: ANN001
    # eth-tester raises its own error for a reverted transact(); a node's gas estimate, web3's.
    from eth_tester.exceptions import TransactionFailed

    with pytest.raises((ContractLogicError, TransactionFailed), match=reason):
        call()


def test_the_committed_artifact_is_what_the_source_compiles_to() -> None:
    assert contract_compile() == artifact_load(), (
        "provenance/contracts/AnchorLog.json is stale: run `python -m provenance.contracts`"
    )


def test_batches_form_a_hash_chain(chain) -> None:  # noqa: ANN001
    w3, contract, owner, *_ = chain
    tx = contract.functions.anchor(_root(1), ZERO, 1, [], [], []).transact({"from": owner})
    receipt = w3.eth.wait_for_transaction_receipt(tx)
    contract.functions.anchor(_root(2), _root(1), 2, [], [], []).transact({"from": owner})

    seq, timestamp, block = contract.functions.anchor_of(_root(1)).call()
    assert seq == 1
    assert block == receipt.blockNumber
    assert timestamp == w3.eth.get_block(receipt.blockNumber).timestamp
    assert contract.functions.anchor_of(_root(2)).call()[0] == 2
    assert contract.functions.anchor_of(_root(3)).call() == [0, 0, 0]
    assert contract.functions.last_seq().call() == 2
    assert contract.functions.last_root().call() == _root(2)
    (event,) = contract.events.Anchored().process_receipt(receipt)
    assert (event.args.seq, event.args.root, event.args.prev_root) == (1, _root(1), ZERO)


def test_a_duplicate_a_gap_or_a_fork_reverts(chain) -> None:  # noqa: ANN001
    _, contract, owner, *_ = chain
    anchor = contract.functions.anchor
    anchor(_root(1), ZERO, 1, [], [], []).transact({"from": owner})

    _reverts(lambda: anchor(_root(1), _root(1), 2, [], [], []).transact({"from": owner}), "already")
    _reverts(
        lambda: anchor(_root(2), _root(1), 3, [], [], []).transact({"from": owner}), "sequence"
    )
    _reverts(lambda: anchor(_root(2), ZERO, 1, [], [], []).transact({"from": owner}), "sequence")
    # Seq 2 again, but after another root than the last: a fork.
    _reverts(
        lambda: anchor(_root(2), _root(9), 2, [], [], []).transact({"from": owner}), "previous"
    )
    _reverts(lambda: anchor(ZERO, _root(1), 2, [], [], []).transact({"from": owner}), "empty")
    assert contract.functions.last_seq().call() == 1


def test_only_the_owner_anchors_and_it_can_rotate_its_key(chain) -> None:  # noqa: ANN001
    _, contract, owner, stranger, successor = chain
    anchor = contract.functions.anchor

    _reverts(
        lambda: anchor(_root(1), ZERO, 1, [], [], []).transact({"from": stranger}), "not the owner"
    )
    _reverts(
        lambda: contract.functions.transfer_ownership(stranger).transact({"from": stranger}),
        "not the owner",
    )
    contract.functions.transfer_ownership(successor).transact({"from": owner})

    assert contract.functions.owner().call() == successor
    _reverts(
        lambda: anchor(_root(1), ZERO, 1, [], [], []).transact({"from": owner}), "not the owner"
    )
    anchor(_root(1), ZERO, 1, [], [], []).transact({"from": successor})
    assert contract.functions.last_seq().call() == 1


def test_a_batch_revokes_documents_once_and_for_good(chain) -> None:  # noqa: ANN001
    w3, contract, owner, stranger, _ = chain
    document = Web3.keccak(text="document")

    _reverts(
        lambda: contract.functions.anchor(_root(1), ZERO, 1, [document], [], []).transact(
            {"from": stranger}
        ),
        "not the owner",
    )
    assert contract.functions.revoked_at(document).call() == 0
    tx = contract.functions.anchor(_root(1), ZERO, 1, [document], [], []).transact({"from": owner})
    first = contract.functions.revoked_at(document).call()
    receipt = w3.eth.get_transaction_receipt(tx)
    contract.functions.anchor(_root(2), _root(1), 2, [document], [], []).transact({"from": owner})

    assert first == w3.eth.get_block(receipt.blockNumber).timestamp
    assert contract.functions.revoked_at(document).call() == first
    (event,) = contract.events.Revoked().process_receipt(receipt, errors=DISCARD)
    assert (event.args.document_root, event.args.seq) == (document, 1)


@pytest.mark.parametrize("size", [1, 2, 3, 8, 13])
def test_verify_on_chain_agrees_with_python(chain, size: int) -> None:  # noqa: ANN001
    _, contract, *_ = chain
    rng = random.Random(size)
    leaves = [batch_leaf(rng.randbytes(32)) for _ in range(size)]
    tree = MerkleTree.of(leaves)
    other = MerkleTree.of([batch_leaf(rng.randbytes(32)) for _ in range(size + 1)])

    for index in range(size):
        proof = tree.proof(index)
        cases = [
            (proof, tree.root, tree.leaf(index)),  # valid
            (proof, other.root, tree.leaf(index)),  # another batch's root
            (proof, tree.root, batch_leaf(rng.randbytes(32))),  # a leaf not in the tree
        ]
        if proof:
            cases.append((proof[:-1], tree.root, tree.leaf(index)))  # a proof cut short
        for path, root, leaf in cases:
            expected = proof_valid(root=root, leaf=leaf, proof=path)
            assert contract.functions.verify(path, root, leaf).call() is expected
        assert contract.functions.verify(proof, tree.root, tree.leaf(index)).call() is True


def test_a_batch_authorises_and_retires_signing_keys_for_good(chain) -> None:  # noqa: ANN001
    w3, contract, owner, stranger, successor = chain
    anchor = contract.functions.anchor
    window = contract.functions.signer_window
    old_key, new_key = stranger, successor

    assert window(old_key).call() == [0, 0]
    _reverts(
        lambda: anchor(_root(1), ZERO, 1, [], [old_key], []).transact({"from": stranger}),
        "not the owner",
    )
    tx = anchor(_root(1), ZERO, 1, [], [old_key], []).transact({"from": owner})
    (event,) = contract.events.SignerAuthorised().process_receipt(
        w3.eth.get_transaction_receipt(tx), errors=DISCARD
    )
    assert (event.args.signer, event.args.seq) == (old_key, 1)
    assert window(old_key).call() == [1, 0]
    # Authorised once; retired only after the batch that authorised it, once.
    _reverts(
        lambda: anchor(_root(2), _root(1), 2, [], [old_key], []).transact({"from": owner}),
        "already authorised",
    )
    _reverts(
        lambda: anchor(_root(2), _root(1), 2, [], [new_key], [new_key]).transact({"from": owner}),
        "retired in the batch that authorises it",
    )
    _reverts(
        lambda: anchor(_root(2), _root(1), 2, [], [], [owner]).transact({"from": owner}),
        "never authorised",
    )
    anchor(_root(2), _root(1), 2, [], [new_key], []).transact({"from": owner})
    tx = anchor(_root(3), _root(2), 3, [], [], [old_key]).transact({"from": owner})
    (event,) = contract.events.SignerRetired().process_receipt(
        w3.eth.get_transaction_receipt(tx), errors=DISCARD
    )
    assert (event.args.signer, event.args.seq) == (old_key, 3)

    assert window(old_key).call() == [1, 2]  # signed for batches 1 and 2, none from 3 on
    assert window(new_key).call() == [2, 0]
    _reverts(
        lambda: anchor(_root(4), _root(3), 4, [], [], [old_key]).transact({"from": owner}),
        "already retired",
    )
